using System;
using EmbedWs.Dashboard;

namespace EmbedWs;

// The live dashboard: off by default; Dashboard = true serves it at DashboardPath. docs/dashboard.md.
public sealed partial class WsServerOptions
{
    private bool _dashboard;
    private string _dashboardPath = "/embedws/";
    private string? _dashboardToken;
    private int _dashboardMaxRows = 100;

    /// <summary>
    /// Serves a live dashboard on the server's own port, at <see cref="DashboardPath"/>: a page,
    /// and a WebSocket that pushes the server's figures about once a second from the server's
    /// tick (connections, traffic, round-trip times, send queues, closes by code, the busiest
    /// connections a page at a time, groups and their members) and lets the page close a connection.
    /// It opens only for a request that presents <see cref="DashboardToken"/> (<c>?token=</c>, an
    /// <c>Authorization: Bearer</c> header, or the cookie the page gets) or that the
    /// <see cref="AcceptHandler"/> allows with <see cref="WsAcceptContext.AllowDashboard"/>;
    /// others get 401 (with <c>WWW-Authenticate: Bearer</c>) and a log line. Viewers are not user connections: they raise no events and
    /// are not in <see cref="WsServer.ConnectionCount"/>, the snapshot or the metrics (each holds a
    /// <see cref="MaxConnections"/> slot while open). Off by default.
    /// </summary>
    public bool Dashboard
    {
        get => _dashboard;
        set => Set(ref _dashboard, value);
    }

    /// <summary>
    /// Where the dashboard is served when <see cref="Dashboard"/> is on: the page at this path, its
    /// script and style beside it, its WebSocket at this path plus <c>socket</c>; the path without
    /// its final slash redirects (308) to it. It starts and ends with <c>/</c>. The default is
    /// <c>/embedws/</c>.
    /// </summary>
    public string DashboardPath
    {
        get => _dashboardPath;
        set => Set(ref _dashboardPath, DashboardPaths.Check(value, nameof(DashboardPath)));
    }

    /// <summary>
    /// A secret that opens the dashboard: <c>http://host:port/embedws/?token=...</c> in a browser
    /// (the page then swaps it for an HttpOnly, SameSite=Strict cookie on the dashboard's path and
    /// drops it from its address), or an <c>Authorization: Bearer</c> header. Compared in constant
    /// time. At least 16 characters; use a random one and serve over TLS. Null by default: only the
    /// <see cref="AcceptHandler"/> can open the dashboard.
    /// </summary>
    public string? DashboardToken
    {
        get => _dashboardToken;
        set => Set(ref _dashboardToken, value is null || value.Length >= 16 && value.Trim().Length == value.Length ? value
            : throw new ArgumentException("A dashboard token needs at least 16 characters and no surrounding spaces.", nameof(DashboardToken)));
    }

    /// <summary>
    /// The rows of one page of the dashboard's connections table (the page picks the order, a
    /// search and the page), and the most groups and group members it lists, so that a server with
    /// 10,000 connections still pushes a small message each second. From 1 to 1,000. The default is 100.
    /// </summary>
    public int DashboardMaxRows
    {
        get => _dashboardMaxRows;
        set => Set(ref _dashboardMaxRows, InRange(value, 1, 1000, nameof(DashboardMaxRows)));
    }
}
