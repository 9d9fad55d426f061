using EmbedWs;

namespace Snippets;

internal static class Dashboard
{
    public static WsServerOptions WithToken()
    {
        #region snippet
        var options = new WsServerOptions
        {
            Url = "ws://localhost:8080",
            Dashboard = true,                                                     // off by default
            DashboardToken = Environment.GetEnvironmentVariable("EMBEDWS_DASHBOARD_TOKEN"), // 16+ characters
        };
        // open http://localhost:8080/embedws/?token=... in a browser
        #endregion
        return options;
    }
}
