#region snippet
using EmbedWs.Routing;

#endregion
using EmbedWs.Transport;

namespace EmbedWs.Readme;

#region snippet
record ChatSend(string Text);
record AddRequest(int A, int B);
record AddReply(int Sum);

#endregion
internal static class Routing
{
    public static async Task ConfigureAsync(WsServer server, IWsConnection conn, object payload)
    {
        #region snippet
        server.Route<ChatSend>("chat.send", (conn, m) => server.BroadcastAsync("chat.message", new { from = conn.Id, m.Text }));
        server.Route<AddRequest, AddReply>("math.add", (conn, r) => new AddReply(r.A + r.B));
        server.Route<AddRequest, AddReply>("math.slowAdd", async (conn, r) => { await Task.Delay(10); return new AddReply(r.A + r.B); });
        await conn.SendAsync("chat.message", new { from = "server", text = "welcome" });   // push to one
        await server.Groups.SendAsync("room:lobby", "chat.message", payload);             // push to a group
        #endregion
    }
}
