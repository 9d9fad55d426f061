using System;
using System.Buffers;
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
    public int Broadcast(string text, WsDelivery delivery, IWsConnection? except = null) =>
        SendToAll(text ?? throw new ArgumentNullException(nameof(text)), default, except, delivery);

    /// <summary>Queues a binary message to every open connection with a delivery class; as the text overload.</summary>
    /// <param name="data">The message.</param>
    /// <param name="delivery">Reliable, droppable or latest by key.</param>
    /// <param name="except">A connection to leave out; null for none.</param>
    public int Broadcast(ReadOnlyMemory<byte> data, WsDelivery delivery, IWsConnection? except = null) =>
        SendToAll(null, data.Span, except, delivery);

    /// <summary>
    /// Queues the JSON message <c>{"type":type,"data":data}</c> to every open connection with a
    /// delivery class, serialized and encoded once. Returns how many connections it was queued to.
    /// </summary>
    /// <param name="type">The message type, e.g. <c>game.state</c>.</param>
    /// <param name="data">The payload; null sends <c>"data":null</c>.</param>
    /// <param name="delivery">Reliable, droppable or latest by key.</param>
    /// <param name="except">A connection to leave out; null for none.</param>
    public int BroadcastJson(string type, object? data, WsDelivery delivery, IWsConnection? except = null) =>
        BroadcastJsonCore(type, data, delivery, except);

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
