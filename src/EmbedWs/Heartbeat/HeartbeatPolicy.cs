using System;
using System.Threading;
using EmbedWs.Heartbeat;

namespace EmbedWs;

/// <summary>The built-in heartbeat policies (<see cref="WsServerOptions.Heartbeat"/>).</summary>
public static class HeartbeatPolicy
{
    /// <summary>
    /// Protocol ping/pong (RFC 6455 §5.5.2): a ping when the peer has been silent for
    /// <paramref name="interval"/>, each carrying a token that its pong must echo (the round-trip
    /// time is measured); the peer is dead when neither the pong nor any other traffic arrives
    /// within <paramref name="timeout"/>. Browsers answer pings on their own. The server's default,
    /// with 15 s and 10 s.
    /// </summary>
    /// <param name="interval">Silence before a ping; default 15 s.</param>
    /// <param name="timeout">How long to wait for an answer; default 10 s.</param>
    public static IHeartbeatPolicy PingPong(TimeSpan? interval = null, TimeSpan? timeout = null) =>
        new PingPongHeartbeat(interval ?? TimeSpan.FromSeconds(15), timeout ?? TimeSpan.FromSeconds(10), json: false);

    /// <summary>
    /// JSON ping/pong, for clients whose code cannot see protocol pings (browser JavaScript):
    /// the server sends <c>{"type":"ping","id":N}</c> after <paramref name="interval"/> of silence
    /// and expects <c>{"type":"pong","id":N}</c> (or any traffic) within <paramref name="timeout"/>.
    /// (A client's own <c>{"type":"ping"}</c> is answered with <c>{"type":"pong"}</c> with every policy.)
    /// </summary>
    /// <param name="interval">Silence before a ping; default 15 s.</param>
    /// <param name="timeout">How long to wait for an answer; default 10 s.</param>
    public static IHeartbeatPolicy JsonPingPong(TimeSpan? interval = null, TimeSpan? timeout = null) =>
        new PingPongHeartbeat(interval ?? TimeSpan.FromSeconds(15), timeout ?? TimeSpan.FromSeconds(10), json: true);

    /// <summary>Closes a connection that received nothing for <paramref name="timeout"/>; sends nothing.</summary>
    /// <param name="timeout">Allowed silence; default 60 s.</param>
    public static IHeartbeatPolicy IdleTimeout(TimeSpan? timeout = null) => new IdleTimeoutHeartbeat(timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>No heartbeat: dead peers are found only by TCP itself.</summary>
    public static IHeartbeatPolicy None { get; } = new NoHeartbeat();

    /// <summary>A tick often enough to act within a quarter of the shortest period, within [50 ms, 5 s].</summary>
    internal static TimeSpan TickFor(TimeSpan shortest)
    {
        long ticks = Math.Min(Math.Max(shortest.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks), TimeSpan.FromSeconds(5).Ticks);
        return TimeSpan.FromTicks(ticks);
    }

    internal static TimeSpan Positive(TimeSpan value, string name) =>
        value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(name, value, "Must be positive.");

    private sealed class NoHeartbeat : IHeartbeatPolicy
    {
        public TimeSpan TickInterval => Timeout.InfiniteTimeSpan;

        public void OnTick(HeartbeatPeer peer)
        {
        }

        public void OnPong(HeartbeatPeer peer, ReadOnlySpan<byte> payload)
        {
        }

        public void OnJsonPong(HeartbeatPeer peer, ReadOnlySpan<byte> id)
        {
        }
    }
}
