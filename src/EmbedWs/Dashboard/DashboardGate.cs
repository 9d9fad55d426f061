using System;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Dashboard;

/// <summary>
/// Who may see the dashboard, and what its paths answer. It stands in front of the user's
/// accept hook and HTTP handler (the server's settings hold its two methods in their place):
/// requests for the dashboard are answered here, every other request goes on to the user's.
/// A request for the page or the socket is let in when it presents the configured token (see
/// <see cref="DashboardCredentials"/>: query, bearer header or the page's cookie), or the host
/// authorized it (a mount's endpoint with an authorization policy), or the user's accept hook
/// called <see cref="WsAcceptContext.AllowDashboard"/>; else 401 with a <c>WWW-Authenticate</c>
/// challenge (403 for a wrong token), logged. The script and the style are the same for every
/// server and hold no data: they are served without a check. The base path without its final
/// slash is redirected to it. Safe from any thread.
/// </summary>
internal sealed class DashboardGate
{
    /// <summary>The Items key that marks an accepted upgrade as a dashboard viewer.</summary>
    public const string ViewerKey = "EmbedWs.Dashboard.Viewer";

    /// <summary>The mark's value: an object no user code can hold, so the mark cannot be forged.</summary>
    public static readonly object ViewerMark = new();

    private readonly string _base;
    private readonly string _socketPath;
    private readonly DashboardCredentials? _credentials;
    private readonly Func<WsAcceptContext, ValueTask>? _userAccept;
    private readonly Func<WsConnectionInfo, ValueTask<WsHttpResponse?>>? _userHttp;
    private readonly ILogger _logger;

    public DashboardGate(string basePath, string? token, Func<WsAcceptContext, ValueTask>? userAccept,
        Func<WsConnectionInfo, ValueTask<WsHttpResponse?>>? userHttp, ILoggerFactory loggerFactory)
    {
        _base = basePath;
        _socketPath = basePath + DashboardPaths.Socket;
        _credentials = token is null ? null : new DashboardCredentials(token);
        _userAccept = userAccept;
        _userHttp = userHttp;
        _logger = loggerFactory.CreateLogger("EmbedWs.Dashboard");
    }

    /// <summary>True when the path is the dashboard's WebSocket.</summary>
    public bool IsSocket(string path) => string.Equals(path, _socketPath, StringComparison.Ordinal);

    /// <summary>True when <paramref name="items"/> (an accepted upgrade's) mark a dashboard viewer.</summary>
    public static bool IsViewer(System.Collections.Generic.IDictionary<string, object?>? items) =>
        items is not null && items.TryGetValue(ViewerKey, out var mark) && ReferenceEquals(mark, ViewerMark);

    /// <summary>In the place of the accept hook: the dashboard's socket is decided here, other paths by the user's hook.</summary>
    public async ValueTask AcceptAsync(WsAcceptContext context)
    {
        if (!IsSocket(context.Info.Path))
        {
            if (_userAccept is not null)
            {
                await _userAccept(context).ConfigureAwait(false);
            }

            return;
        }

        // A browser sends its page's Origin: only the dashboard's own page (same host) may open the
        // socket, so another site cannot open it with the user's cookies (cross-site WebSocket hijacking).
        if (context.Info.Origin is { } origin && !SameHost(origin, context.Info.Host))
        {
            Refuse(context.Info, 403, "its Origin is another site's");
            context.Reject(403, "The dashboard's socket takes connections from its own page only.");
            return;
        }

        context.IsDashboard = true;
        var (status, reason) = await AuthorizeAsync(context).ConfigureAwait(false);
        if (status != 0)
        {
            if (!context.IsRejected)
            {
                context.Reject(status, StatusText(status));
            }

            Refuse(context.Info, context.RejectStatus, reason);
            return;
        }

        context.SubProtocol = null;
        context.Items[ViewerKey] = ViewerMark;
    }

    /// <summary>In the place of the HTTP handler: the dashboard's page and files here, other paths to the user's handler.</summary>
    public async ValueTask<WsHttpResponse?> ServeHttpAsync(WsConnectionInfo info)
    {
        string path = info.Path;
        if (DashboardPaths.IsBaseWithoutSlash(path, _base))
        {
            return DashboardPaths.Redirect(_base, info.QueryString);
        }

        if (path.Length > _base.Length && path.StartsWith(_base, StringComparison.Ordinal)
            && DashboardAssets.Find(path.Substring(_base.Length)) is { } asset && !asset.IsPage)
        {
            return asset.Response();
        }

        if (!string.Equals(path, _base, StringComparison.Ordinal))
        {
            return _userHttp is null ? null : await _userHttp(info).ConfigureAwait(false);
        }

        var context = new WsAcceptContext(info, null) { IsDashboard = true };
        var (status, reason) = await AuthorizeAsync(context).ConfigureAwait(false);
        if (status != 0)
        {
            status = context.IsRejected ? context.RejectStatus : status;
            Refuse(info, status, reason);
            var refusal = WsHttpResponse.Text(context.RejectBody ?? StatusText(status), statusCode: status);
            if (status == 401)
            {
                // RFC 9110 §11.6.1: a 401 names the scheme that would let the request in; here the
                // token as a bearer token (RFC 6750 §3).
                refusal.Headers["WWW-Authenticate"] = DashboardCredentials.Challenge;
            }

            return refusal;
        }

        DashboardLog.PageServed(_logger, info.RemoteEndPoint);
        var page = DashboardAssets.Page.Response();
        if (reason == DashboardCredentials.ViaQuery)
        {
            // The token came in the URL: from now on the page's cookie carries it, and the page
            // takes it out of the address bar (history.replaceState), so reloads and bookmarks hold no secret.
            page.Headers["Set-Cookie"] = _credentials!.Cookie(_base, info.IsSecure);
        }

        return page;
    }

    /// <summary>0 when the request may see the dashboard; else the status to refuse it with, and why (for the log).</summary>
    private async ValueTask<(int Status, string Reason)> AuthorizeAsync(WsAcceptContext context)
    {
        var info = context.Info;
        var (via, match) = DashboardCredentials.Check(info, _credentials);
        if (match)
        {
            return (0, via!);
        }

        if (info.DashboardAuthorizedByHost)
        {
            return (0, "host");
        }

        if (_userAccept is not null)
        {
            await _userAccept(context).ConfigureAwait(false);
            if (context.IsRejected)
            {
                return (context.RejectStatus, "the accept hook rejected it");
            }

            if (context.DashboardAllowed)
            {
                return (0, "accept hook");
            }
        }

        return via is not null ? (403, "wrong token") : (401, "no token, and the accept hook did not allow it");
    }

    private static bool SameHost(string origin, string? host) =>
        host is not null && Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.Authority, host, StringComparison.OrdinalIgnoreCase);

    private void Refuse(WsConnectionInfo info, int status, string reason) =>
        DashboardLog.Refused(_logger, info.RemoteEndPoint, info.Path, status, reason);

    private static string StatusText(int status) => status switch
    {
        401 => "The dashboard needs its token (?token=, or Authorization: Bearer) or the accept hook's permission.",
        403 => "Forbidden.",
        _ => "Refused.",
    };
}
