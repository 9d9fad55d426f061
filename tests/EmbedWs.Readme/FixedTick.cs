using EmbedWs;

namespace Snippets;

internal static class FixedTick
{
    public static async Task RunAsync(WsServer server, Func<bool> running, Action step)
    {
        #region snippet
        var tick = TimeSpan.FromMilliseconds(50);                    // 20 ticks a second
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var next = tick;
        while (running())
        {
            server.PumpEvents(tick / 4);      // the players' input: at most a quarter of the tick
            step();                           // the world moves
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            next += tick;
        }

        server.Stop(TimeSpan.FromSeconds(2));
        server.PumpEvents();
        #endregion
    }
}
