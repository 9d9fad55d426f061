using System;

namespace EmbedWs.Heartbeat;

/// <summary>Closes connections that were silent for the timeout. See <see cref="HeartbeatPolicy.IdleTimeout"/>.</summary>
internal sealed class IdleTimeoutHeartbeat : IHeartbeatPolicy
{
    private readonly TimeSpan _timeout;

    public IdleTimeoutHeartbeat(TimeSpan timeout)
    {
        _timeout = HeartbeatPolicy.Positive(timeout, nameof(timeout));
        TickInterval = HeartbeatPolicy.TickFor(timeout);
    }

    public TimeSpan TickInterval { get; }

    public void OnTick(HeartbeatPeer peer)
    {
        if (peer.SinceLastReceived >= _timeout)
        {
            peer.Kill();
        }
    }

    public void OnPong(HeartbeatPeer peer, ReadOnlySpan<byte> payload)
    {
    }

    public void OnJsonPong(HeartbeatPeer peer, ReadOnlySpan<byte> id)
    {
    }
}
