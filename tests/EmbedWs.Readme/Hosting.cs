#region snippet
using EmbedWs;
using EmbedWs.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

#endregion
namespace Snippets.HostingExample;

internal static class Program
{
    public static async Task Main(string[] args)
    {
        #region snippet
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddSingleton<Scores>();                       // your services

        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"),
                options => options.AcceptHandler = CheckToken)         // what config cannot hold: code
            .AddRouteHandler<AddRequest, AddReply, AddHandler>("math.add")
            .AddRouteHandler<ChatSend, ChatHandler>("chat.send")
            .Configure((services, server) =>                           // anything else, with the container
            {
                var scores = services.GetRequiredService<Scores>();
                server.Route<ScoreRequest, ScoreReply>("score.get", (conn, r) => scores.Get(r.Player));
                server.OnConnect += conn => scores.Join(conn.Id);
                server.OnClose += (conn, close) => scores.Leave(conn.Id);
            });

        await builder.Build().RunAsync();                              // Ctrl+C / SIGTERM: clients get 1001
        #endregion
    }

    private static ValueTask CheckToken(WsAcceptContext context) => default;
}

#region snippet

sealed class AddHandler : IWsRouteHandler<AddRequest, AddReply>            // resolved once, a singleton
{
    public Task<AddReply> HandleAsync(IWsConnection conn, AddRequest r) => Task.FromResult(new AddReply(r.A + r.B));
}

sealed class ChatHandler(WsServer server) : IWsRouteHandler<ChatSend>     // the server itself, to broadcast
{
    public Task HandleAsync(IWsConnection conn, ChatSend m) { server.BroadcastJson("chat.message", m); return Task.CompletedTask; }
}
#endregion

internal sealed record ScoreRequest(string Player);

internal sealed record ScoreReply(int Score);

/// <summary>Stands for the application's own service.</summary>
internal sealed class Scores
{
    public ScoreReply Get(string player) => new(0);

    public void Join(long id)
    {
    }

    public void Leave(long id)
    {
    }
}
