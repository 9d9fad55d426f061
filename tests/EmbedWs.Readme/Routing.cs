using EmbedWs;

namespace Snippets;

internal static class Routing
{
    public static void Configure(WsServer server, IWsConnection conn, object payload)
    {
        #region snippet
        server.Route<ChatSend>("chat.send", (conn, m) => server.BroadcastJson("chat.message", new { from = conn.Id, m.Text }));
        server.Route<AddRequest, AddReply>("math.add", (conn, r) => new AddReply(r.A + r.B));
        server.Route<AddRequest, AddReply>("math.slowAdd", async (conn, r) => { await Task.Delay(10); return new AddReply(r.A + r.B); });
        conn.SendJson("chat.message", new { from = "server", text = "welcome" });   // push to one
        server.Groups.SendJson("room:lobby", "chat.message", payload);             // push to a group
        #endregion
    }
}

#region snippet

record ChatSend(string Text);
record AddRequest(int A, int B);
record AddReply(int Sum);
#endregion
