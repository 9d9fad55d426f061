using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;

namespace EmbedWs.Transport;

/// <summary>
/// One connection's simulated way out (docs/network-simulator.md): data frames wait here, in
/// order, until their simulated arrival time, then go to the connection's send queue. As on a real
/// link, a frame never overtakes the one before it: a frame delayed by jitter holds the ones behind
/// it. Control frames never come here. Bounded as the send queue is: its bytes count with it.
/// </summary>
internal sealed class SimulatedLink
{
    private readonly NetworkSimulator _simulator;
    private readonly WsNetworkConditions _conditions;
    private readonly ISimulatedLinkOwner _owner;
    private readonly Queue<Delayed> _frames = new();
    private long _lastDue;
    private long _linkFreeAt;
    private int _bytes;
    private long _lost;

    public SimulatedLink(NetworkSimulator simulator, WsNetworkConditions conditions, ISimulatedLinkOwner owner)
    {
        _simulator = simulator;
        _conditions = conditions;
        _owner = owner;
    }

    public WsNetworkConditions Conditions => _conditions;

    /// <summary>Bytes waiting in the link.</summary>
    public int Bytes => Volatile.Read(ref _bytes);

    /// <summary>Droppable messages the simulated loss took.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>
    /// Takes a data frame onto the link, due after the simulated latency, jitter and bandwidth;
    /// false when the simulated loss took it (droppable only).
    /// </summary>
    public bool Enqueue(in OutgoingFrame frame, WsDelivery delivery)
    {
        if (delivery.Kind == WsDeliveryKind.Droppable && _conditions.Loss > 0 && _simulator.NextDouble() < _conditions.Loss)
        {
            Interlocked.Increment(ref _lost);
            return false;
        }

        var time = _simulator.Time;
        double frequency = time.TimestampFrequency;
        double jitter = _conditions.Jitter.TotalSeconds * (2 * _simulator.NextDouble() - 1);
        double delay = Math.Max(0, _conditions.Latency.TotalSeconds + jitter);
        int length = frame.Length;
        var bytes = ArrayPool<byte>.Shared.Rent(length);
        frame.WriteTo(bytes.AsSpan(0, length));
        long due;
        lock (_frames)
        {
            long now = time.GetTimestamp();
            long sent = now;
            if (_conditions.BandwidthBytesPerSecond > 0)
            {
                // The link carries one frame after the other: this one leaves once the ones before are through.
                sent = Math.Max(now, _linkFreeAt) + (long)(length * frequency / _conditions.BandwidthBytesPerSecond);
                _linkFreeAt = sent;
            }

            due = Math.Max(sent + (long)(delay * frequency), _lastDue);
            _lastDue = due;
            _frames.Enqueue(new Delayed(bytes, length, delivery, due));
            _bytes += length;
        }

        _simulator.Schedule(this, due);
        return true;
    }

    /// <summary>The simulator's timer: hands every frame due by <paramref name="now"/> to the send queue; the next due time, if any.</summary>
    public long? ReleaseDue(long now)
    {
        while (true)
        {
            Delayed frame;
            lock (_frames)
            {
                if (_frames.Count == 0)
                {
                    return null;
                }

                if (_frames.Peek().Due > now)
                {
                    return _frames.Peek().Due;
                }

                frame = _frames.Dequeue();
                _bytes -= frame.Length;
            }

            try
            {
                _owner.Release(frame.Bytes.AsSpan(0, frame.Length), frame.Delivery);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame.Bytes);
            }
        }
    }

    private readonly struct Delayed
    {
        public Delayed(byte[] bytes, int length, WsDelivery delivery, long due)
        {
            Bytes = bytes;
            Length = length;
            Delivery = delivery;
            Due = due;
        }

        public byte[] Bytes { get; }

        public int Length { get; }

        public WsDelivery Delivery { get; }

        public long Due { get; }
    }
}

/// <summary>Where a <see cref="SimulatedLink"/> hands its due frames: the connection's send queue.</summary>
internal interface ISimulatedLinkOwner
{
    /// <summary>Queues a whole data frame that arrived through the simulated link.</summary>
    void Release(ReadOnlySpan<byte> frame, WsDelivery delivery);
}
