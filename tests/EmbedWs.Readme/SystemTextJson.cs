#region snippet
using System.Text.Json.Serialization;
#endregion
using EmbedWs;

namespace Snippets;

internal static class SystemTextJson
{
    public static WsServer Create()
    {
        #region snippet

        var server = new WsServer(new WsServerOptions
        {
            Url = "ws://localhost:8080",
            JsonSerializer = new SystemTextJsonWsSerializer(GameJson.Default),
        });
        server.Route<Move, Moved>("player.move", (conn, m) => new Moved(m.X, m.Y, Tick: 1));
        #endregion
        return server;
    }
}

#region snippet

// Every type a route binds or sends, generated at compile time: nothing is looked up by reflection.
[JsonSerializable(typeof(Move))]
[JsonSerializable(typeof(Moved))]
partial class GameJson : JsonSerializerContext;

record Move(int X, int Y);
record Moved(int X, int Y, long Tick);
#endregion
