using EmbedWs;

namespace Snippets;

internal static class NetworkSimulator
{
    public static async Task RunAsync(bool development)
    {
        #region snippet
        var options = new WsServerOptions { Url = "ws://localhost:8080" };
        if (development)
        {
            options.NetworkSimulation = WsNetworkConditions.Parse("latency=80ms,jitter=20ms,loss=2%");
        }

        await using var server = new WsServer(options);
        await server.StartAsync();                                    // logs event 230 when NetworkSimulation is set
        #endregion
    }

    public static void OneConnection(WsServer server, IWsConnection conn)
    {
        #region snippet
        // One connection, from your own code (a debug command, a test); never from what a client sends:
        server.SimulateNetwork(conn, new WsNetworkConditions { Latency = TimeSpan.FromMilliseconds(200), BandwidthBytesPerSecond = 32 * 1024 });
        server.SimulateNetwork(conn, null);                           // back to none
        #endregion
    }
}
