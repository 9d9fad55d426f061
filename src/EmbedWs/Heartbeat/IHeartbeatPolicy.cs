using System;

namespace EmbedWs;

/// <summary>
/// Decides, per connection, what to send and when a peer is dead. The server calls it from its
/// one shared tick for all connections (never a timer per connection) and from each
/// connection's read loop (pongs), so an implementation must be safe from several threads; keep
/// per-connection state in <see cref="HeartbeatPeer.State"/>. Built in: <see cref="HeartbeatPolicy"/>.
/// </summary>
public interface IHeartbeatPolicy
{
    /// <summary>How often the tick calls <see cref="OnTick"/>; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for never.</summary>
    TimeSpan TickInterval { get; }

    /// <summary>Called on each tick for each open connection: send a ping, or declare the peer dead with <see cref="HeartbeatPeer.Kill"/>.</summary>
    /// <param name="peer">The connection, as the policy sees it.</param>
    void OnTick(HeartbeatPeer peer);

    /// <summary>A protocol pong arrived.</summary>
    /// <param name="peer">The connection.</param>
    /// <param name="payload">The pong's payload (the ping's, from a conforming client).</param>
    void OnPong(HeartbeatPeer peer, ReadOnlySpan<byte> payload);

    /// <summary>
    /// A JSON pong (<c>{"type":"pong","id":...}</c>) arrived. JSON pongs never reach handlers.
    /// </summary>
    /// <param name="peer">The connection.</param>
    /// <param name="id">The pong's "id" as its JSON text (e.g. <c>7</c> or <c>"a"</c>), empty when it had none.</param>
    void OnJsonPong(HeartbeatPeer peer, ReadOnlySpan<byte> id);
}
