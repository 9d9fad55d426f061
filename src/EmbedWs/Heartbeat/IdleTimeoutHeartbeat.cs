using System;

namespace EmbedWs.Heartbeat;

/// <summary>Closes connections that were silent for the timeout. See <see cref="Heartbeat.IdleTimeout"/>.</summary>
internal sealed class IdleTimeoutHeartbeat : IHeartbeatPolicy
{
    private readonly TimeSpan _timeout;

    public IdleTimeoutHeartbeat(TimeSpan timeout)
    {
        _timeout = Heartbeat.Positive(timeout, nameof(timeout));
        TickInterval = Heartbeat.TickFor(timeout);
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

    public bool OnText(HeartbeatPeer peer, ReadOnlySpan<byte> utf8) => false;
}
