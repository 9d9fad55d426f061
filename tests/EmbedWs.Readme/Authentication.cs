using System.Security.Cryptography.X509Certificates;
using EmbedWs;

namespace Snippets;

internal static class Authentication
{
    public static async Task RunAsync(X509Certificate2 certificate, ISessionStore sessions)
    {
        #region snippet
        var options = new WsServerOptions
        {
            Url = "wss://0.0.0.0:8443",
            Certificate = certificate,
            AllowedOrigins = new List<string> { "https://app.example.com" },
            AcceptHandler = async ctx =>
            {
                string? token =
                    ctx.Info.Query.TryGetValue("token", out var fromQuery) ? fromQuery
                    : ctx.Info.Header("Authorization") is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth.Substring(7)
                    : ctx.Info.Cookies.TryGetValue("session", out var fromCookie) ? fromCookie
                    : null;
                if (token is null)
                {
                    ctx.Reject(401, "sign in first");
                    return;
                }

                User? user = await sessions.FindUserAsync(token);   // your own store
                if (user is null)
                {
                    ctx.Reject(401, "invalid or expired token");
                    return;
                }

                if (!user.MayChat)
                {
                    ctx.Reject(403, "not allowed");
                    return;
                }

                ctx.Items["user"] = user;
            },
        };
        await using var server = new WsServer(options);
        server.OnConnect += conn => Console.WriteLine($"{((User)conn.Items["user"]!).Name} joined");
        #endregion
        await server.StartAsync();
    }
}

#region snippet

// Your own types, for the example:
record User(string Name, bool MayChat);
interface ISessionStore { Task<User?> FindUserAsync(string token); }
#endregion
