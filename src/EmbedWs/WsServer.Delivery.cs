using System;
using System.Buffers;
using System.Threading;
using EmbedWs.Protocol;
using EmbedWs.Transport;

namespace EmbedWs;

// Broadcast with a delivery class (docs/sending.md), and the send queues summed for the metrics.
public sealed partial class WsServer
{
    /// <summary>
    /// Queues a text message to every open connection (except <paramref name="except"/>) with a
    /// delivery class: encoded once, then dropped or queued per connection as
    /// <paramref name="delivery"/> says. Returns how many connections it was queued to.
    /// </summary>
    /// <param name="text">The message.</param>
    /// <param name="delivery">Reliable, droppable or latest by key (<see cref="WsDelivery"/>).</param>
    /// <param name="except">A connection to leave out, typically the sender; null for none.</param>
    public int Broadcast(string text, WsDelivery delivery, IWsConnection? except = null) => delivery.IsReliable
        ? Broadcast(text, except)
        : SendToAll(text ?? throw new ArgumentNullException(nameof(text)), default, delivery, except);

    /// <summary>Queues a binary message to every open connection with a delivery class; as the text overload.</summary>
    /// <param name="data">The message.</param>
    /// <param name="delivery">Reliable, droppable or latest by key.</param>
    /// <param name="except">A connection to leave out; null for none.</param>
    public int Broadcast(ReadOnlyMemory<byte> data, WsDelivery delivery, IWsConnection? except = null) => delivery.IsReliable
        ? Broadcast(data, except)
        : SendToAll(null, data.Span, delivery, except);

    /// <summary>
    /// Queues the JSON message <c>{"type":type,"data":data}</c> to every open connection with a
    /// delivery class, serialized and encoded once. Returns how many connections it was queued to.
    /// </summary>
    /// <param name="type">The message type, e.g. <c>game.state</c>.</param>
    /// <param name="data">The payload; null sends <c>"data":null</c>.</param>
    /// <param name="delivery">Reliable, droppable or latest by key.</param>
    /// <param name="except">A connection to leave out; null for none.</param>
    public int BroadcastJson(string type, object? data, WsDelivery delivery, IWsConnection? except = null)
    {
        if (delivery.IsReliable)
        {
            return BroadcastJson(type, data, except);
        }

        WarnDeliveryIsLocal(delivery);
        if (_connections.IsEmpty)
        {
            return 0;
        }

        byte[] frame = RentJsonFrame(type, data, out int length);
        try
        {
            return SendFrame(_connections, frame.AsSpan(0, length), except, delivery);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>
    /// A backplane carries frames without their delivery class (yet): a droppable or latest-by-key
    /// broadcast or group send reaches this server's connections only. Said once in the log.
    /// </summary>
    internal void WarnDeliveryIsLocal(WsDelivery delivery)
    {
        if (_backplane is not null && Interlocked.Exchange(ref _deliveryLocalWarned, 1) == 0)
        {
            ServerLog.DeliveryClassIsLocal(_logger, delivery.Kind);
        }
    }

    private int _deliveryLocalWarned;

    private int SendToAll(string? text, ReadOnlySpan<byte> binary, WsDelivery delivery, IWsConnection? except)
    {
        WarnDeliveryIsLocal(delivery);
        if (_connections.IsEmpty)
        {
            return 0;
        }

        byte[] frame = FrameWriter.RentFrame(text, binary, out int length);
        try
        {
            return SendFrame(_connections, frame.AsSpan(0, length), except, delivery);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>The open connections' send queues, for the metrics (read when a listener collects).</summary>
    private SendQueueTotals SendQueues()
    {
        long bytes = 0;
        int congested = 0;
        foreach (var pair in _connections)
        {
            var transport = pair.Value.Transport;
            bytes += transport.QueuedBytes;
            congested += transport.IsCongested ? 1 : 0;
        }

        return new SendQueueTotals(bytes, congested);
    }
}
