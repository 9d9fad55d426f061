using System;
using System.Collections.Generic;
using System.Threading;
using EmbedWs.Protocol;
using EmbedWs.Transport;

namespace EmbedWs;

/// <summary>
/// What <see cref="WsServer.AdmitAsync"/> decided about a handshake another HTTP server
/// received: the answer to send (status, headers, body) and, when accepted, the ticket that
/// <see cref="WsServer.AcceptAsync"/> runs the connection with. An accepted decision holds one of
/// the server's connection slots (MaxConnections): pass it to AcceptAsync, or dispose it when the
/// upgrade did not happen.
/// </summary>
public sealed class WsUpgradeDecision : IDisposable
{
    private static readonly IReadOnlyList<KeyValuePair<string, string>> s_none = Array.Empty<KeyValuePair<string, string>>();
    private ConnectionLease? _lease;
    private int _taken;

    private WsUpgradeDecision(int statusCode, IReadOnlyList<KeyValuePair<string, string>>? headers, string body, WsConnectionInfo? info)
    {
        StatusCode = statusCode;
        Headers = headers ?? s_none;
        Body = body;
        Info = info;
    }

    /// <summary>True when the connection may open: switch protocols, then call <see cref="WsServer.AcceptAsync"/>.</summary>
    public bool IsAccepted { get; private set; }

    /// <summary>
    /// The HTTP status to answer with: 101 for an accepted HTTP/1.1 handshake, 200 for an accepted
    /// HTTP/2 one (RFC 8441 §5), otherwise the refusal's (400, 403, 405, 426, 429, 503, or the
    /// accept hook's).
    /// </summary>
    public int StatusCode { get; }

    /// <summary>
    /// The headers to send with the answer: Sec-WebSocket-Accept and Sec-WebSocket-Protocol when
    /// accepted; for a refusal those the RFCs ask for (Sec-WebSocket-Version with 426, Allow with
    /// 405, Retry-After with 503 when full).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>A refusal's plain-text body (UTF-8); empty when accepted.</summary>
    public string Body { get; }

    /// <summary>The chosen subprotocol, or null.</summary>
    public string? SubProtocol => Info?.SubProtocol;

    /// <summary>The request as the connection will show it; null when the request could not be read as a handshake.</summary>
    public WsConnectionInfo? Info { get; }

    internal Dictionary<string, object?>? Items { get; private set; }

    /// <summary>permessage-deflate as agreed (RFC 7692), or null.</summary>
    internal DeflateParameters? Compression { get; private set; }

    internal static WsUpgradeDecision Refuse(int status, string body, WsConnectionInfo? info, IReadOnlyList<KeyValuePair<string, string>>? headers = null) =>
        new(status, headers, body, info);

    internal static WsUpgradeDecision Accept(int status, IReadOnlyList<KeyValuePair<string, string>> headers, WsConnectionInfo info,
        Dictionary<string, object?>? items, ConnectionLease? lease, DeflateParameters? compression = null) =>
        new(status, headers, string.Empty, info) { IsAccepted = true, Items = items, _lease = lease, Compression = compression };

    /// <summary>Takes the accepted decision for one connection; false when it was taken or disposed before.</summary>
    internal bool TryTake(out ConnectionLease? lease)
    {
        lease = _lease;
        return IsAccepted && Interlocked.Exchange(ref _taken, 1) == 0;
    }

    /// <summary>Gives the connection slot back when the decision was never passed to <see cref="WsServer.AcceptAsync"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _taken, 1) == 0)
        {
            _lease?.Release();
        }
    }
}
