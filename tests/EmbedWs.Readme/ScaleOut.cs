#region snippet
using EmbedWs;
using EmbedWs.Redis;

#endregion
namespace Snippets.ScaleOutExample;

internal static class Program
{
    public static async Task Main()
    {
        #region snippet
        var backplane = new RedisBackplane(new RedisBackplaneOptions
        {
            ConnectionString = "redis.internal:6379",   // or Connection = an IConnectionMultiplexer you have
            ChannelPrefix = "chat",                      // several apps on one Redis
        });
        await using var server = new WsServer(new WsServerOptions { Url = "ws://0.0.0.0:8080", Backplane = backplane });
        server.Route<ChatSend>("chat.send", (conn, m) => server.BroadcastJson("chat.message", m));  // every node's clients
        server.Route<Join>("room.join", (conn, m) => server.Groups.Add(conn, m.Room));             // this node subscribes the room
        server.Route<Whisper>("chat.whisper", (conn, m) => server.SendJsonTo(m.To, "chat.whisper", m.Text));
        server.Route<Move>("player.move", (conn, m) =>      // a slow client on any node gets the newest position per player
            server.BroadcastJson("player.pos", m, WsDelivery.Latest($"pos:{m.Player}")));
        server.OnConnect += conn => conn.SendJson("welcome", new { id = server.ClusterIdOf(conn) });  // "node:connection"

        await server.StartAsync();
        long online = await server.CountClusterConnectionsAsync();   // approximate: each node's count, refreshed every second
        #endregion
        _ = online;
        await backplane.DisposeAsync();
    }
}

#region snippet

record ChatSend(string Text);
record Join(string Room);
record Whisper(string To, string Text);
record Move(string Player, float X, float Y);
#endregion
