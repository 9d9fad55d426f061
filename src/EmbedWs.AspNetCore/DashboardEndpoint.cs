using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace EmbedWs.AspNetCore;

/// <summary>
/// The request delegate of <c>MapEmbedWsDashboard</c>: the dashboard's socket is a WebSocket
/// handshake like any other (<see cref="UpgradeEndpoint"/>); its page and files come from
/// <see cref="WsServer.ServeDashboardAsync"/>. When the endpoint carries an authorization policy
/// (<c>RequireAuthorization</c>), ASP.NET Core enforced it before this runs, and the request is
/// marked <see cref="WsUpgradeRequest.IsAuthorizedByHost"/>.
/// </summary>
internal sealed class DashboardEndpoint
{
    private readonly WsServer _server;
    private readonly UpgradeEndpoint _upgrade;

    public DashboardEndpoint(WsServer server)
    {
        _server = server;
        _upgrade = new UpgradeEndpoint(server, IsAuthorizedByHost);
    }

    public async Task HandleAsync(HttpContext context)
    {
        string path = (context.Request.PathBase + context.Request.Path).ToString();
        if (path.EndsWith("/socket", StringComparison.Ordinal))
        {
            await _upgrade.HandleAsync(context).ConfigureAwait(false);
            return;
        }

        WsHttpResponse? answer;
        try
        {
            answer = await _server.ServeDashboardAsync(UpgradeEndpoint.Describe(context, path, http2: false, IsAuthorizedByHost(context))).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Kestrel may take requests a moment before the host has started the server.
            answer = WsHttpResponse.Text("The WebSocket server is starting", statusCode: 503);
        }

        answer ??= WsHttpResponse.NotFound();
        var response = context.Response;
        response.StatusCode = answer.StatusCode;
        response.ContentType = answer.ContentType;
        foreach (var header in answer.Headers)
        {
            response.Headers[header.Key] = header.Value;
        }

        response.ContentLength = answer.Body.Length;
        await response.Body.WriteAsync(answer.Body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// True when the endpoint has an authorization policy and no AllowAnonymous: the authorization
    /// middleware ran it (ASP.NET Core refuses to run such an endpoint without that middleware).
    /// </summary>
    private static bool IsAuthorizedByHost(HttpContext context) =>
        context.GetEndpoint()?.Metadata is { } metadata
        && metadata.GetMetadata<IAuthorizeData>() is not null
        && metadata.GetMetadata<IAllowAnonymous>() is null;
}
