using EmbedWs;

namespace Snippets;

internal static class GameLoop
{
    public static void Tick(World world)
    {
        #region snippet
        var server = new WsServer(new WsServerOptions { Dispatch = EventDispatch.Queued });
        // on your game thread, once per tick:
        server.PumpEvents();                       // every handler runs here, on this thread
        world.Step();
        server.BroadcastJson("world", world.Snapshot());   // queued at once; never blocks the loop
        #endregion
    }

    /// <summary>Stands for the game's own state.</summary>
    internal sealed class World
    {
        public void Step()
        {
        }

        public object Snapshot() => new { tick = 1 };
    }
}
