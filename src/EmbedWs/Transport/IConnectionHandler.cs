using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace EmbedWs.Transport;

/// <summary>What the transport asks of the server it accepts connections for. Implemented by the server facade.</summary>
internal interface IConnectionAcceptor
{
    /// <summary>True once the server is stopping: new handshakes get 503.</summary>
    bool IsStopping { get; }

    /// <summary>
    /// A handshake succeeded: the server takes the connection in and returns the handler of its
    /// events (the server's own per-connection state). Called once, before the connection runs.
    /// </summary>
    /// <param name="connection">The new connection.</param>
    /// <param name="items">What the accept hook put in its context's Items, or null.</param>
    IConnectionHandler Adopt(WsConnection connection, IDictionary<string, object?>? items);

    /// <summary>User code run by the transport (the accept hook, the HTTP handler) threw.</summary>
    void OnError(Exception exception);
}

/// <summary>
/// One connection's events, delivered by its read loop in order: opened, then messages and pongs,
/// then closed, exactly once. What is awaited here holds the read loop: nothing more is read
/// until it completes (that is the per-connection order, and the backpressure). Never throws.
/// </summary>
internal interface IConnectionHandler
{
    /// <summary>The connection is open; raised before any message.</summary>
    ValueTask OnOpenedAsync();

    /// <summary>A whole data message; its payload stays valid until the returned task completes.</summary>
    ValueTask OnMessageAsync(WsMessage message);

    /// <summary>A pong arrived (for the heartbeat).</summary>
    void OnPong(ReadOnlySpan<byte> payload);

    /// <summary>The connection ended; raised exactly once, last. The connection's <c>Completion</c> waits for it.</summary>
    ValueTask OnClosedAsync(WsCloseInfo close);
}
