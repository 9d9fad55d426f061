using EmbedWs;

namespace Snippets;

internal static class OriginCheck
{
    public static WsServerOptions Create()
    {
        #region snippet
        var allowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "https://app.example.com" };
        var options = new WsServerOptions
        {
            AcceptHandler = ctx =>
            {
                bool cookieSession = ctx.Info.Cookies.ContainsKey("session");
                if (cookieSession && (ctx.Info.Origin is not { } origin || !allowed.Contains(origin)))
                {
                    ctx.Reject(403, "origin not allowed");
                }

                return default;
            },
        };
        #endregion
        return options;
    }
}
