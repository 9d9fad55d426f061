using System;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EmbedWs.AspNetCore;

/// <summary>
/// Maps an EmbedWs <see cref="WsServer"/> onto an ASP.NET Core path: WebSocket handshakes there
/// (HTTP/1.1 upgrade, or HTTP/2 extended CONNECT, RFC 8441) are checked by the server as its own
/// listener checks them, then run by its own frame engine over Kestrel's upgraded connection.
/// </summary>
public static class EmbedWsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the server registered with <c>builder.Services.AddEmbedWs(...)</c> at
    /// <paramref name="pattern"/>. Unless its options set <see cref="WsServerOptions.Url"/>, the
    /// server then opens no port of its own (<see cref="WsServerOptions.Listen"/> becomes false):
    /// Kestrel's port is the one. The host starts and stops the server; when the app begins to
    /// stop, clients get 1001 while Kestrel still runs. A request that is not a WebSocket
    /// handshake gets 426 with <c>Upgrade: websocket</c>.
    /// </summary>
    /// <param name="endpoints">The app (or a route group).</param>
    /// <param name="pattern">The route pattern, e.g. <c>/ws</c>.</param>
    /// <returns>The endpoint's builder: <c>RequireAuthorization()</c>, <c>RequireCors(...)</c>, <c>RequireRateLimiting(...)</c>, metadata.</returns>
    /// <exception cref="InvalidOperationException">AddEmbedWs was not called.</exception>
    public static IEndpointConventionBuilder MapEmbedWs(this IEndpointRouteBuilder endpoints, string pattern)
    {
        if (endpoints is null)
        {
            throw new ArgumentNullException(nameof(endpoints));
        }

        var server = endpoints.ServiceProvider.GetService<WsServer>()
            ?? throw new InvalidOperationException("No EmbedWs server is registered: call builder.Services.AddEmbedWs(...) before app.MapEmbedWs(...).");
        TurnOffOwnListener(server, pattern, endpoints.ServiceProvider.GetService<ILoggerFactory>());
        return Map(endpoints, pattern, server);
    }

    /// <summary>
    /// Serves <paramref name="server"/>, a server you create, at <paramref name="pattern"/>: for a
    /// second server beside the container's (an echo endpoint with limits of its own, say). As
    /// with the container's, unless its options set <see cref="WsServerOptions.Url"/> it opens no
    /// port of its own. If you have not started it when the app has started, the app starts it
    /// (handshakes that come before get 503); when the app begins to stop, it is stopped (clients
    /// get 1001) while Kestrel still runs.
    /// </summary>
    /// <param name="endpoints">The app (or a route group).</param>
    /// <param name="pattern">The route pattern, e.g. <c>/echo</c>.</param>
    /// <param name="server">The server that takes the connections.</param>
    /// <returns>The endpoint's builder.</returns>
    public static IEndpointConventionBuilder MapEmbedWs(this IEndpointRouteBuilder endpoints, string pattern, WsServer server)
    {
        if (endpoints is null)
        {
            throw new ArgumentNullException(nameof(endpoints));
        }

        if (server is null)
        {
            throw new ArgumentNullException(nameof(server));
        }

        TurnOffOwnListener(server, pattern, endpoints.ServiceProvider.GetService<ILoggerFactory>());
        return Map(endpoints, pattern, server);
    }

    private static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints, string pattern, WsServer server)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            throw new ArgumentException("A route pattern is needed, e.g. \"/ws\".", nameof(pattern));
        }

        // When the app begins to stop (before any hosted service, Kestrel included, stops), the
        // server starts its own stop: every client gets 1001 while Kestrel can still carry it.
        // The host's hosted service (for the container's server) then awaits the same stop.
        var lifetime = endpoints.ServiceProvider.GetService<IHostApplicationLifetime>();
        lifetime?.ApplicationStopping.Register(() => _ = server.StopAsync());

        // A server the app's host does not start (one the user created and did not start) starts
        // with the app, as every other endpoint's code does.
        var logger = endpoints.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger("EmbedWs.AspNetCore");
        lifetime?.ApplicationStarted.Register(() => StartWithApp(server, pattern, logger));

        var endpoint = new UpgradeEndpoint(server);

        // Every method: the server answers a POST with 405 and Allow: GET as its listener does,
        // and HTTP/2's extended CONNECT is a method of its own.
        return endpoints.Map(pattern, endpoint.HandleAsync).WithDisplayName("EmbedWs " + pattern);
    }

    private static void StartWithApp(WsServer server, string pattern, ILogger? logger)
    {
        if (server.IsRunning)
        {
            return;
        }

        try
        {
            // Synchronous: binding (when it has a port of its own) does not wait.
            server.StartAsync().GetAwaiter().GetResult();
            if (logger is not null)
            {
                MountLog.StartedWithApp(logger, pattern);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.IO.IOException)
        {
            // Started meanwhile, stopped before, inconsistent options, or its own port is taken.
            if (logger is not null && !server.IsRunning)
            {
                MountLog.StartFailed(logger, pattern, ex);
            }
        }
    }

    private static void TurnOffOwnListener(WsServer server, string pattern, ILoggerFactory? loggers)
    {
        var options = server.Options;
        if (options.Url is not null || !options.Listen)
        {
            return;
        }

        try
        {
            options.Listen = false;
        }
        catch (InvalidOperationException)
        {
            // Already started (frozen): it keeps the port it has.
            return;
        }

        if (loggers is not null)
        {
            MountLog.OwnListenerOff(loggers.CreateLogger("EmbedWs.AspNetCore"), pattern);
        }
    }
}
