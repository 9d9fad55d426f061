using EmbedWs;

namespace Snippets;

internal static class DashboardAcceptHook
{
    public static WsServerOptions Create()
    {
        #region snippet
        var options = new WsServerOptions
        {
            Dashboard = true,
            AcceptHandler = ctx =>
            {
                if (ctx.IsDashboard)
                {
                    // The page's GET and its socket both come here; only an explicit Allow opens them.
                    if (ctx.Info.Cookies.TryGetValue("session", out var session) && Sessions.IsOperator(session))
                    {
                        ctx.AllowDashboard();
                    }

                    return default;
                }

                // ... the application's own checks for its players ...
                return default;
            },
        };
        #endregion
        return options;
    }

    /// <summary>Stands for the application's own session store.</summary>
    private static class Sessions
    {
        public static bool IsOperator(string session) => session.Length > 0;
    }
}
