using EmbedWs;

namespace Snippets;

internal static class AcceptHook
{
    public static WsServerOptions Create()
    {
        #region snippet
        var options = new WsServerOptions
        {
            Url = "ws://localhost:8080",
            AllowedOrigins = new List<string> { "https://game.example.com" },
            AcceptHandler = ctx =>
            {
                if (ctx.Info.Query.TryGetValue("token", out var token) && Tokens.TryGetUser(token, out var user))
                {
                    ctx.Items["user"] = user;             // becomes conn.Items["user"]
                    ctx.SubProtocol = "game.v2";          // or leave the server's choice
                }
                else
                {
                    ctx.Reject(401, "token required");    // the client gets 401 with that body; no OnConnect
                }

                return default;
            },
            HttpHandler = info => new ValueTask<WsHttpResponse?>(
                info.Path == "/" ? WsHttpResponse.Html("<h1>hello</h1>") : WsHttpResponse.NotFound()),
        };
        #endregion
        return options;
    }

    /// <summary>Stands for the application's own token check.</summary>
    private static class Tokens
    {
        public static bool TryGetUser(string token, out string user)
        {
            user = token;
            return token.Length > 0;
        }
    }
}
