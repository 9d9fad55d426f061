using System;
using System.Threading;

namespace EmbedWs.Transport;

// The network simulator's side of a connection (docs/network-simulator.md): its data frames wait on
// a simulated link before they reach the send queue. Off unless the server's code turns it on.
internal sealed partial class WsConnection
{
    private SimulatedLink? _link;
    private long _simulatedDrops;

    /// <summary>The conditions simulated on this connection now; null when none.</summary>
    internal WsNetworkConditions? SimulatedConditions => Volatile.Read(ref _link)?.Conditions;

    /// <summary>Bytes waiting on the simulated link.</summary>
    internal int SimulatedBytes => Volatile.Read(ref _link)?.Bytes ?? 0;

    /// <summary>Simulates <paramref name="conditions"/> on what this connection sends from now on; null stops (frames on the link still arrive).</summary>
    internal void Simulate(NetworkSimulator simulator, WsNetworkConditions? conditions) =>
        Volatile.Write(ref _link, conditions is null ? null : new SimulatedLink(simulator, conditions, this));

    /// <inheritdoc/>
    void ISimulatedLinkOwner.Release(ReadOnlySpan<byte> frame, WsDelivery delivery) =>
        DeliverNow(OutgoingFrame.Encoded(frame), delivery, fanOut: true);

    /// <summary>
    /// A data frame onto the simulated link, under the send queue's limits counted with the link's
    /// bytes: a reliable frame past MaxSendQueueBytes closes the connection as a slow consumer; a
    /// droppable one waits for an uncongested queue; the simulated loss takes droppable ones.
    /// (Latest-by-key frames replace each other in the send queue only, not on the link.)
    /// </summary>
    private bool Simulate(SimulatedLink link, in OutgoingFrame frame, WsDelivery delivery)
    {
        if (State > WsConnectionState.Open)
        {
            return false;
        }

        int queued = link.Bytes + _outbox.QueuedBytes;
        bool fits = queued == 0 || queued + frame.Length <= Settings.MaxSendQueueBytes;
        if (delivery.IsReliable && !fits)
        {
            ((IOutboxOwner)this).OnSendQueueFull();
            return false;
        }

        if (!fits || (delivery.Kind == WsDeliveryKind.Droppable && queued > Settings.SendQueueSoftLimitBytes) || !link.Enqueue(frame, delivery))
        {
            Interlocked.Increment(ref _simulatedDrops);
            _shared.Metrics?.MessageDropped(delivery.Kind);
            return false;
        }

        return true;
    }
}
