using System;

namespace EmbedWs.Heartbeat;

/// <summary>
/// Decides, per connection, what to send and when a peer is dead. The server calls it from
/// one shared timer for all connections (never a timer per connection) and from each
/// connection's read loop, so an implementation must be safe from several threads; keep
/// per-connection state in <see cref="HeartbeatPeer.State"/>.
/// </summary>
public interface IHeartbeatPolicy
{
    /// <summary>How often the shared timer calls <see cref="OnTick"/>; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for never.</summary>
    TimeSpan TickInterval { get; }

    /// <summary>Called on each tick for each open connection: send a ping, or declare the peer dead with <see cref="HeartbeatPeer.Kill"/>.</summary>
    /// <param name="peer">The connection, as the policy sees it.</param>
    void OnTick(HeartbeatPeer peer);

    /// <summary>A protocol pong arrived.</summary>
    /// <param name="peer">The connection.</param>
    /// <param name="payload">The pong's payload (the ping's, from a conforming client).</param>
    void OnPong(HeartbeatPeer peer, ReadOnlySpan<byte> payload);

    /// <summary>
    /// A text message arrived, before any handler sees it. Return true to consume it (a JSON
    /// ping or pong of the policy's own); false to pass it on.
    /// </summary>
    /// <param name="peer">The connection.</param>
    /// <param name="utf8">The message text as UTF-8.</param>
    bool OnText(HeartbeatPeer peer, ReadOnlySpan<byte> utf8);
}
