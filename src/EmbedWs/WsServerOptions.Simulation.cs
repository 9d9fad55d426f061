namespace EmbedWs;

// The network simulator: for development only, off unless set in code.
public sealed partial class WsServerOptions
{
    private WsNetworkConditions? _networkSimulation;

    /// <summary>
    /// Network conditions to simulate on what the server sends to every connection (latency,
    /// jitter, loss of droppable messages, a bandwidth cap), for development; see
    /// docs/network-simulator.md. Null (the default) for none. Logged at start when set. Only code
    /// sets it: a client cannot. <c>WsServer.SimulateNetwork</c> sets it per connection.
    /// </summary>
    public WsNetworkConditions? NetworkSimulation
    {
        get => _networkSimulation;
        set => Set(ref _networkSimulation, value);
    }
}
