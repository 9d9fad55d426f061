using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using EmbedWs.Dashboard;
using EmbedWs.Protocol;

namespace EmbedWs;

// The live dashboard (WsServerOptions.Dashboard, docs/dashboard.md): its viewers are adopted
// here instead of becoming user connections, and it hears of every close.
public sealed partial class WsServer
{
    private DashboardHub? _dashboard;

    /// <summary>The dashboard's side of the server; null when it is off or before start.</summary>
    internal DashboardHub? Dashboard => _dashboard;

    /// <summary>
    /// Answers a plain HTTP GET for the dashboard that another HTTP server received (ASP.NET Core's
    /// <c>MapEmbedWsDashboard</c>, or any server that mounts this one): its page, to those let in
    /// (the token, <see cref="WsUpgradeRequest.IsAuthorizedByHost"/>, or the accept hook's
    /// <see cref="WsAcceptContext.AllowDashboard"/>; else 401 or 403, logged), or its script and
    /// style, or the redirect (308) from the path without its final slash. The dashboard's socket is a WebSocket handshake like any other: give it to
    /// <see cref="AdmitAsync"/>. Returns null when the path is none of the dashboard's files, or the
    /// dashboard is off (<see cref="WsServerOptions.Dashboard"/>).
    /// </summary>
    /// <param name="request">The request as the other server received it (GET, with its query).</param>
    /// <returns>The answer to send, or null.</returns>
    /// <exception cref="InvalidOperationException">The server was not started.</exception>
    public async Task<WsHttpResponse?> ServeDashboardAsync(WsUpgradeRequest request)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        EnsureStartedForMount();
        var settings = _settings!;
        if (settings.DashboardPath is not { } path || settings.HttpHandler is not { } gate
            || !DashboardPaths.IsBaseWithoutSlash(request.Path, path)
            && (!request.Path.StartsWith(path, StringComparison.Ordinal) || DashboardAssets.Find(request.Path.Substring(path.Length)) is null))
        {
            return null;
        }

        var headers = new Dictionary<string, string>(request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var h in request.Headers)
        {
            headers[h.Key] = h.Value;
        }

        string target = request.QueryString.Length == 0 ? request.Path : request.Path + "?" + request.QueryString;
        var info = new WsConnectionInfo(new HandshakeRequest(request.Method, target, request.HttpVersion, headers),
            request.RemoteEndPoint, request.LocalEndPoint, request.IsSecure)
        {
            User = request.User,
            DashboardAuthorizedByHost = request.IsAuthorizedByHost,
        };

        // The gate: one of the dashboard's files, so it answers (the page only to those let in).
        return await gate(info).ConfigureAwait(false);
    }

    private void StartDashboard(WsSettings settings) =>
        _dashboard = settings.DashboardPath is null ? null : new DashboardHub(this, settings, _options.DashboardToken is not null);
}
