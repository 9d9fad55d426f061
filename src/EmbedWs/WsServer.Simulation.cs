using System.Threading;
using EmbedWs.Transport;

namespace EmbedWs;

// The network simulator (docs/network-simulator.md): created when the first connection needs it.
public sealed partial class WsServer
{
    private NetworkSimulator? _simulator;

    /// <summary>
    /// Simulates <paramref name="conditions"/> on what the server sends to one connection from now
    /// on (null: none, or back to nothing when <c>NetworkSimulation</c> set the server-wide ones);
    /// for development. Messages already on the simulated link still arrive. Logged.
    /// </summary>
    /// <param name="connection">A connection of this server.</param>
    /// <param name="conditions">The conditions; null for none.</param>
    public void SimulateNetwork(IWsConnection connection, WsNetworkConditions? conditions)
    {
        var own = Own(connection, nameof(connection));
        own.Transport.Simulate(Simulator, conditions);
        ServerLog.ConnectionSimulated(_logger, own.Id, conditions?.ToString() ?? "none");
    }

    /// <summary>The server's simulator, made at the first need; on the server's TimeProvider.</summary>
    internal NetworkSimulator Simulator
    {
        get
        {
            var simulator = Volatile.Read(ref _simulator);
            if (simulator is null)
            {
                var created = new NetworkSimulator(Settings.TimeProvider);
                simulator = Interlocked.CompareExchange(ref _simulator, created, null) ?? created;
            }

            return simulator;
        }
    }

    /// <summary>Called as a connection is adopted: the server-wide conditions, when set.</summary>
    internal void SimulateOnOpen(WsConnection transport)
    {
        if (Settings.NetworkSimulation is { } conditions)
        {
            transport.Simulate(Simulator, conditions);
        }
    }

    /// <summary>At start: a server that simulates a network says so, loudly.</summary>
    private void LogSimulation()
    {
        if (Settings.NetworkSimulation is { } conditions)
        {
            ServerLog.ServerSimulated(_logger, conditions.ToString());
        }
    }
}
