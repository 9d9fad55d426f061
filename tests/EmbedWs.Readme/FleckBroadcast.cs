using EmbedWs;

namespace Snippets;

internal static class FleckBroadcast
{
    public static void Configure(WsServer server)
    {
        #region snippet
        // Fleck:   var all = new List<IWebSocketConnection>();
        //          socket.OnOpen = () => all.Add(socket);   socket.OnClose = () => all.Remove(socket);
        //          socket.OnMessage = text => all.ToList().ForEach(s => s.Send(text));
        // EmbedWs keeps the list for you:
        server.OnMessage += (conn, msg) => server.Broadcast(msg.Text, except: conn);   // every other client, encoded once
        server.OnConnect += conn => server.Groups.Add(conn, "lobby");                 // a room; left when the connection ends
        int queuedTo = server.Groups.Send("lobby", "hello, lobby");                    // how many it was queued to
        foreach (var c in server.Connections)                                          // or one by one
        {
            c.SendJson("tick", new { open = server.ConnectionCount });
        }
        #endregion
    }
}
