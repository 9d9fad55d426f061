using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Claims;

namespace EmbedWs;

/// <summary>
/// A WebSocket handshake that another HTTP server received (ASP.NET Core's Kestrel, for
/// example), described for <see cref="WsServer.AdmitAsync"/>: the request line's parts, the
/// headers, where it came from and who the user is. The other server owns the socket and TLS;
/// the EmbedWs server checks the handshake and, once the other server has switched protocols,
/// runs the connection (<see cref="WsServer.AcceptAsync"/>).
/// </summary>
public sealed class WsUpgradeRequest
{
    /// <summary>Describes a request.</summary>
    /// <param name="path">The request path, e.g. <c>/chat</c>.</param>
    /// <param name="queryString">The query after '?', without it; empty when none.</param>
    /// <param name="headers">
    /// The request headers. Names compare case-insensitively; a name given twice has its values
    /// joined with ", " (RFC 9110 §5.3).
    /// </param>
    public WsUpgradeRequest(string path, string queryString, IEnumerable<KeyValuePair<string, string>> headers)
    {
        Path = path ?? throw new ArgumentNullException(nameof(path));
        QueryString = queryString ?? throw new ArgumentNullException(nameof(queryString));
        if (headers is null)
        {
            throw new ArgumentNullException(nameof(headers));
        }

        var joined = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in headers)
        {
            joined[h.Key] = joined.TryGetValue(h.Key, out var before) ? before + ", " + h.Value : h.Value;
        }

        Headers = joined;
    }

    /// <summary>The request path.</summary>
    public string Path { get; }

    /// <summary>The query after '?', without it.</summary>
    public string QueryString { get; }

    /// <summary>The headers, names case-insensitive.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The HTTP method: GET for HTTP/1.1 (the default), CONNECT for an HTTP/2 extended CONNECT.</summary>
    public string Method { get; init; } = "GET";

    /// <summary>The protocol of the request line; "HTTP/1.1" by default ("HTTP/1.0" is refused with 400, RFC 6455 §4.1).</summary>
    public string HttpVersion { get; init; } = "HTTP/1.1";

    /// <summary>
    /// True for a WebSocket over HTTP/2 (RFC 8441: an extended CONNECT with <c>:protocol</c>
    /// websocket, which the other server has checked). Such a request carries no
    /// Sec-WebSocket-Key, and is answered with 200 instead of 101 (RFC 8441 §5).
    /// </summary>
    public bool IsExtendedConnect { get; init; }

    /// <summary>The client's address and port, when known.</summary>
    public IPEndPoint? RemoteEndPoint { get; init; }

    /// <summary>The server's address and port the client reached, when known.</summary>
    public IPEndPoint? LocalEndPoint { get; init; }

    /// <summary>True when the request came over TLS.</summary>
    public bool IsSecure { get; init; }

    /// <summary>The authenticated user, when the other server knows one; shown as <see cref="WsConnectionInfo.User"/>.</summary>
    public ClaimsPrincipal? User { get; init; }

    /// <summary>
    /// True when the other server already enforced an authorization policy for this request, on an
    /// endpoint that serves the dashboard (ASP.NET Core's <c>MapEmbedWsDashboard().RequireAuthorization(...)</c>):
    /// the dashboard then opens without its token or the accept hook's <see cref="WsAcceptContext.AllowDashboard"/>.
    /// It counts only for the dashboard's own paths. False by default.
    /// </summary>
    public bool IsAuthorizedByHost { get; init; }
}
