using System.Collections.Generic;
using EmbedWs.Protocol;

namespace EmbedWs;

/// <summary>
/// Given to the accept hook after the handshake is valid and before OnConnect: inspect the
/// request, then accept (the default), pick the subprotocol, attach state, or reject.
/// </summary>
public sealed class WsAcceptContext
{
    internal WsAcceptContext(WsConnectionInfo info, string? subProtocol, DeflateParameters? compression = null)
    {
        Info = info;
        SubProtocol = subProtocol;
        Compression = compression;
    }

    /// <summary>The request: path, query, headers, cookies, origin, endpoints and offered subprotocols.</summary>
    public WsConnectionInfo Info { get; }

    /// <summary>
    /// The subprotocol to answer with. Preset to the first of the client's offers that the
    /// server supports; set it to another of <see cref="WsConnectionInfo.RequestedSubProtocols"/> or null.
    /// </summary>
    public string? SubProtocol { get; set; }

    /// <summary>
    /// The Sec-WebSocket-Extensions answer the server will send, such as
    /// <c>permessage-deflate; server_no_context_takeover</c>: set when
    /// <see cref="WsServerOptions.Compression"/> is on and the client offered permessage-deflate in
    /// a form the server accepts (the offers are in <c>Info.Headers["Sec-WebSocket-Extensions"]</c>).
    /// Null when the connection will not be compressed; <see cref="DeclineCompression"/> makes it null.
    /// </summary>
    public string? Extensions => Compression?.Answer;

    /// <summary>Turns compression off for this connection: its messages go uncompressed both ways.</summary>
    public void DeclineCompression() => Compression = null;

    internal DeflateParameters? Compression { get; private set; }

    /// <summary>State copied into the connection's Items when it is accepted.</summary>
    public IDictionary<string, object?> Items => _items ??= new Dictionary<string, object?>();

    internal Dictionary<string, object?>? _items;

    /// <summary>
    /// True when the request is for the live dashboard (<see cref="WsServerOptions.Dashboard"/>): its
    /// page (a plain GET, for which the hook runs too) or its socket. Such a request opens only when
    /// it presents <see cref="WsServerOptions.DashboardToken"/> or the hook calls <see cref="AllowDashboard"/>.
    /// </summary>
    public bool IsDashboard { get; internal set; }

    /// <summary>
    /// Lets this request see the dashboard (and close connections from it): call it only for the
    /// operators you trust, for example after checking a cookie or <see cref="WsConnectionInfo.User"/>.
    /// Not rejecting is not enough: a hook that never calls this keeps the dashboard closed to all
    /// but the token.
    /// </summary>
    /// <exception cref="System.InvalidOperationException">The request is not for the dashboard (<see cref="IsDashboard"/> is false).</exception>
    public void AllowDashboard()
    {
        if (!IsDashboard)
        {
            throw new System.InvalidOperationException("This request is not for the dashboard; check IsDashboard first.");
        }

        DashboardAllowed = true;
    }

    internal bool DashboardAllowed { get; private set; }

    /// <summary>True once <see cref="Reject"/> was called.</summary>
    public bool IsRejected => RejectStatus != 0;

    internal int RejectStatus { get; private set; }

    internal string? RejectBody { get; private set; }

    /// <summary>Refuses the connection with an HTTP status (for example 401 or 403) and an optional text body.</summary>
    /// <param name="statusCode">An HTTP status from 400 to 599.</param>
    /// <param name="body">Plain text sent as the response body.</param>
    public void Reject(int statusCode = 403, string? body = null)
    {
        if (statusCode < 400 || statusCode > 599)
        {
            throw new System.ArgumentOutOfRangeException(nameof(statusCode), statusCode, "A rejection needs a 4xx or 5xx status.");
        }

        RejectStatus = statusCode;
        RejectBody = body;
    }
}
