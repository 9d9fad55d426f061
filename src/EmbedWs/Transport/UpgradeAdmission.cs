using System;
using System.Collections.Generic;
using System.Net;
using System.Threading.Tasks;
using EmbedWs.Protocol;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Transport;

/// <summary>
/// The handshake checklist after the request head was read and validated, the same for the
/// listener's own sockets (<see cref="ServerHandshake"/>) and for a request another HTTP server
/// received (a mount such as ASP.NET Core's, <see cref="WsServer.AdmitAsync"/>): stopping,
/// origins, connection limits, permessage-deflate, the accept hook, the subprotocol. It answers
/// with a <see cref="WsUpgradeDecision"/> instead of writing: the listener writes it to its
/// socket, a mount hands it to its HTTP server.
/// </summary>
internal static class UpgradeAdmission
{
    private static readonly KeyValuePair<string, string>[] s_retryAfter = { new("Retry-After", "5") };

    public static async Task<WsUpgradeDecision> DecideAsync(
        WsUpgradeRequest request, WsSettings settings, EmbedWsMetrics? metrics, IConnectionAcceptor acceptor, ConnectionLimiter limiter, ILogger logger)
    {
        var head = ToHandshakeRequest(request);
        var info = new WsConnectionInfo(head, request.RemoteEndPoint, request.LocalEndPoint, request.IsSecure)
        {
            User = request.User,
            DashboardAuthorizedByHost = request.IsAuthorizedByHost,
        };
        var remote = request.RemoteEndPoint;
        var check = Validate(request, head);
        if (check != HandshakeError.None)
        {
            // A plain GET on a mounted path gets 426 with "Upgrade: websocket" (RFC 9110 §15.5.22):
            // the path speaks WebSocket only.
            TransportLog.HandshakeRefused(logger, remote, check.Status(), check.Message());
            return Refuse(check.Status(), check.Message(), info, metrics, HandshakeResponse.RefusalHeaders(check));
        }

        return await AdmitAsync(info, head, request.IsExtendedConnect, settings, metrics, acceptor, limiter, logger).ConfigureAwait(false);
    }

    /// <summary>
    /// The checks after the request's own (RFC 6455 §4.2.1 or RFC 8441): an accepted decision holds
    /// a connection slot until it is taken or disposed. <paramref name="extendedConnect"/>: HTTP/2
    /// (RFC 8441 §5), answered with 200 and without Upgrade, Connection or Sec-WebSocket-Accept.
    /// </summary>
    public static async Task<WsUpgradeDecision> AdmitAsync(WsConnectionInfo info, HandshakeRequest head, bool extendedConnect,
        WsSettings settings, EmbedWsMetrics? metrics, IConnectionAcceptor acceptor, ConnectionLimiter limiter, ILogger logger)
    {
        var remote = info.RemoteEndPoint;
        if (acceptor.IsStopping)
        {
            TransportLog.HandshakeRefused(logger, remote, 503, "server stopping");
            return Refuse(503, "Server is stopping", info, metrics);
        }

        if (settings.AllowedOrigins is { } origins && !IsOriginAllowed(info.Origin, origins))
        {
            TransportLog.HandshakeRefused(logger, remote, 403, "origin not allowed: " + (info.Origin ?? "(none)"));
            return Refuse(403, "Origin not allowed", info, metrics);
        }

        // Limits come after the cheap checks and before the accept hook, which may be costly.
        var admission = limiter.TryAcquire(remote?.Address, out var lease);
        if (admission == ConnectionAdmission.ServerFull)
        {
            TransportLog.ConnectionLimit(logger, remote, limiter.MaxConnections);
            return Refuse(503, "Server full: too many connections", info, metrics, s_retryAfter);
        }

        if (admission == ConnectionAdmission.AddressFull)
        {
            TransportLog.AddressLimit(logger, remote, limiter.MaxPerAddress, ConnectionLimiter.KeyOf(remote!.Address).ToString());
            return Refuse(429, "Too many connections from your address", info, metrics);
        }

        bool accepted = false;
        try
        {
            // Only where the runtime's DeflateStream can do it, as on the listener.
            var compression = ConnectionCompression.Negotiate(settings, head.Header("Sec-WebSocket-Extensions"));
            var context = new WsAcceptContext(info, ChooseSubProtocol(info.RequestedSubProtocols, settings.SupportedSubProtocols), compression);
            if (settings.AcceptHandler is { } hook)
            {
                try
                {
                    await hook(context).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    acceptor.OnError(ex);
                    return Refuse(500, "Internal server error", info, metrics);
                }

                if (context.IsRejected)
                {
                    TransportLog.Rejected(logger, remote, context.RejectStatus);
                    return Refuse(context.RejectStatus, context.RejectBody ?? HandshakeResponse.ReasonPhrase(context.RejectStatus), info, metrics);
                }
            }

            if (acceptor.IsStopping)
            {
                TransportLog.HandshakeRefused(logger, remote, 503, "server stopping");
                return Refuse(503, "Server is stopping", info, metrics);
            }

            // §4.2.2: the subprotocol answered must be one the client offered.
            string? sub = context.SubProtocol;
            if (sub is not null && !Contains(info.RequestedSubProtocols, sub))
            {
                sub = null;
            }

            info.SubProtocol = sub;
            compression = context.Compression;
            info.Extensions = compression?.Answer;
            var headers = new List<KeyValuePair<string, string>>(5);
            if (!extendedConnect)
            {
                headers.Add(new("Upgrade", "websocket"));
                headers.Add(new("Connection", "Upgrade"));
                headers.Add(new("Sec-WebSocket-Accept", HandshakeResponse.ComputeAccept(info.Header("Sec-WebSocket-Key")!)));
            }

            if (sub is not null)
            {
                headers.Add(new("Sec-WebSocket-Protocol", sub));
            }

            // RFC 7692 §5: the accepted permessage-deflate parameters, exactly.
            if (info.Extensions is { } extensions)
            {
                headers.Add(new("Sec-WebSocket-Extensions", extensions));
            }

            accepted = true;

            // RFC 8441 §5: over HTTP/2 a 2xx answer opens the WebSocket; over HTTP/1.1, 101.
            return WsUpgradeDecision.Accept(extendedConnect ? 200 : 101, headers, info, context._items, lease, compression);
        }
        finally
        {
            if (!accepted)
            {
                lease?.Release();
            }
        }
    }

    /// <summary>
    /// RFC 6455 §4.2.1 for HTTP/1.1, the validator the listener uses; RFC 8441 §5 for HTTP/2,
    /// where the other server checked <c>:protocol</c> and only the version is left to check
    /// (there is no key, and no Upgrade or Connection header).
    /// </summary>
    private static HandshakeError Validate(WsUpgradeRequest request, HandshakeRequest head)
    {
        if (!request.IsExtendedConnect)
        {
            return HandshakeValidator.Validate(head);
        }

        var version = head.Header("Sec-WebSocket-Version");
        return version is null ? HandshakeError.MissingVersion
            : version.Trim() == WsConstants.Version ? HandshakeError.None
            : HandshakeError.UnsupportedVersion;
    }

    private static HandshakeRequest ToHandshakeRequest(WsUpgradeRequest request)
    {
        var headers = new Dictionary<string, string>(request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var h in request.Headers)
        {
            headers[h.Key] = h.Value;
        }

        string target = request.QueryString.Length == 0 ? request.Path : request.Path + "?" + request.QueryString;
        return new HandshakeRequest(request.Method, target, request.HttpVersion, headers);
    }

    private static WsUpgradeDecision Refuse(int status, string body, WsConnectionInfo info, EmbedWsMetrics? metrics,
        IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    {
        metrics?.HandshakeRejected(status);
        return WsUpgradeDecision.Refuse(status, body, info, headers);
    }

    /// <summary>First of the client's offers (in the client's order) that the server supports.</summary>
    internal static string? ChooseSubProtocol(IReadOnlyList<string> requested, IReadOnlyList<string> supported)
    {
        foreach (var offer in requested)
        {
            if (Contains(supported, offer))
            {
                return offer;
            }
        }

        return null;
    }

    internal static bool IsOriginAllowed(string? origin, IReadOnlyCollection<string> allowed)
    {
        if (origin is null)
        {
            return false;
        }

        foreach (var a in allowed)
        {
            if (a == "*" || string.Equals(a.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        foreach (var s in list)
        {
            if (string.Equals(s, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
