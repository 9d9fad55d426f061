using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace EmbedWs.AspNetCore;

/// <summary>
/// The request delegate of one <c>MapEmbedWs</c> endpoint: describes the request to the
/// server (<see cref="WsServer.AdmitAsync"/>), sends its refusal, or switches protocols through
/// Kestrel and hands the upgraded stream to the server (<see cref="WsServer.AcceptAsync"/>),
/// holding the request until the connection has ended. Kestrel's own WebSocket code is not
/// used: the frames are EmbedWs's.
/// </summary>
internal sealed class UpgradeEndpoint
{
    private readonly WsServer _server;
    private readonly Func<HttpContext, bool>? _authorizedByHost;

    /// <param name="server">The server that takes the connections.</param>
    /// <param name="authorizedByHost">For the dashboard's socket: whether ASP.NET Core authorized the request.</param>
    public UpgradeEndpoint(WsServer server, Func<HttpContext, bool>? authorizedByHost = null)
    {
        _server = server;
        _authorizedByHost = authorizedByHost;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var connect = context.Features.Get<IHttpExtendedConnectFeature>();
        bool http2 = connect is { IsExtendedConnect: true };
        if (http2 && !string.Equals(connect!.Protocol, "websocket", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 8441 §4: another protocol over CONNECT is not ours.
            await RefuseAsync(context, 400, "Extended CONNECT here speaks only :protocol websocket", null).ConfigureAwait(false);
            return;
        }

        WsUpgradeDecision decision;
        try
        {
            decision = await _server.AdmitAsync(Describe(context, (context.Request.PathBase + context.Request.Path).ToString(), http2, _authorizedByHost?.Invoke(context) == true)).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Kestrel may take requests a moment before the host has started the server.
            await RefuseAsync(context, 503, "The WebSocket server is starting", s_retryAfter).ConfigureAwait(false);
            return;
        }

        using (decision)
        {
            if (!decision.IsAccepted)
            {
                await RefuseAsync(context, decision.StatusCode, decision.Body, decision.Headers).ConfigureAwait(false);
                return;
            }

            var upgrade = context.Features.Get<IHttpUpgradeFeature>();
            if (!http2 && upgrade is not { IsUpgradableRequest: true })
            {
                // A handshake Kestrel will not upgrade (it carries a body, say).
                await RefuseAsync(context, 400, "This request cannot be upgraded", null).ConfigureAwait(false);
                return;
            }

            foreach (var header in decision.Headers)
            {
                context.Response.Headers[header.Key] = header.Value;
            }

            Stream stream;
            if (http2)
            {
                // The WebSocket is the request's body: Kestrel's body limits would cut it.
                Unlimit(context);
                stream = await connect!.AcceptAsync().ConfigureAwait(false);
            }
            else
            {
                stream = await upgrade!.UpgradeAsync().ConfigureAwait(false);
            }

            // From here the connection is the server's; Kestrel ends it when this returns.
            await _server.AcceptAsync(decision, stream).ConfigureAwait(false);
        }
    }

    private static readonly KeyValuePair<string, string>[] s_retryAfter = { new("Retry-After", "1") };

    /// <summary>What the core's admission (and the dashboard) is given of an ASP.NET Core request.</summary>
    internal static WsUpgradeRequest Describe(HttpContext context, string path, bool http2, bool authorizedByHost)
    {
        var request = context.Request;
        var headers = new List<KeyValuePair<string, string>>(request.Headers.Count);
        foreach (var header in request.Headers)
        {
            headers.Add(new(header.Key, header.Value.ToString()));
        }

        var connection = context.Connection;
        string query = request.QueryString.HasValue ? request.QueryString.Value!.Substring(1) : string.Empty;
        return new WsUpgradeRequest(path, query, headers)
        {
            Method = request.Method,
            HttpVersion = request.Protocol,
            IsExtendedConnect = http2,
            RemoteEndPoint = connection.RemoteIpAddress is { } remote ? new IPEndPoint(remote, connection.RemotePort) : null,
            LocalEndPoint = connection.LocalIpAddress is { } local ? new IPEndPoint(local, connection.LocalPort) : null,
            IsSecure = request.IsHttps,
            User = context.User,
            IsAuthorizedByHost = authorizedByHost,
        };
    }

    private static async Task RefuseAsync(HttpContext context, int status, string body, IReadOnlyList<KeyValuePair<string, string>>? headers)
    {
        var response = context.Response;
        response.StatusCode = status;
        bool http2OrLater = !HttpProtocol.IsHttp10(context.Request.Protocol) && !HttpProtocol.IsHttp11(context.Request.Protocol);
        if (headers is not null)
        {
            foreach (var header in headers)
            {
                // RFC 9113 §8.2.2: no connection-specific headers (Upgrade, Connection) over HTTP/2 or 3.
                if (http2OrLater && (header.Key.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                response.Headers[header.Key] = header.Value;
            }
        }

        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(body, Encoding.UTF8, context.RequestAborted).ConfigureAwait(false);
    }

    private static void Unlimit(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }
    }
}
