#region snippet
using EmbedWs;                   // 0.1: also EmbedWs.Transport, .Routing, .Heartbeat, .Dispatch

#endregion
namespace Snippets;

internal static class Migration
{
    public static async Task RunAsync()
    {
        #region snippet
        await using var server = new WsServer(new WsServerOptions
        {
            Url = "ws://localhost:8080",
            Heartbeat = HeartbeatPolicy.JsonPingPong(),     // 0.1: Heartbeat.JsonPingPong()
            ShowExceptionDetails = true,                    // 0.1: server.UseRouting(o => o.ShowExceptionDetails = true)
        });
        server.OnMessage += async (conn, msg) =>            // 0.1: an async lambda was async void, not awaited
        {
            conn.Send(msg.Text);                            // 0.1: await conn.SendAsync(msg.Text)
            await conn.FlushAsync();                        // only when you must know the bytes left
        };
        server.Route<ChatSend>("chat.send", (conn, m) =>    // 0.1: the same call, an extension method
            server.BroadcastJson("chat.message", m));       // 0.1: await server.BroadcastAsync("chat.message", m)
        await server.StartAsync();
        #endregion
    }
}
