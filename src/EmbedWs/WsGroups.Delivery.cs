using System;
using System.Buffers;
using EmbedWs.Protocol;

namespace EmbedWs;

// Group sends with a delivery class (docs/sending.md).
public sealed partial class WsGroups
{
    /// <summary>
    /// Queues a text message to every member of a group with a delivery class, encoded once;
    /// returns how many members it was queued to (not those that dropped it).
    /// </summary>
    /// <param name="group">The group name.</param>
    /// <param name="text">The message.</param>
    /// <param name="delivery">Reliable, droppable or latest by key (<see cref="WsDelivery"/>).</param>
    /// <param name="except">A member to leave out (typically the sender); null for none.</param>
    public int Send(string group, string text, WsDelivery delivery, IWsConnection? except = null) => delivery.IsReliable
        ? Send(group, text, except)
        : SendFrame(group, text ?? throw new ArgumentNullException(nameof(text)), default, delivery, except);

    /// <summary>Queues a binary message to every member of a group with a delivery class; as the text overload.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="data">The message.</param>
    /// <param name="delivery">Reliable, droppable or latest by key.</param>
    /// <param name="except">A member to leave out; null for none.</param>
    public int Send(string group, ReadOnlyMemory<byte> data, WsDelivery delivery, IWsConnection? except = null) => delivery.IsReliable
        ? Send(group, data, except)
        : SendFrame(group, null, data.Span, delivery, except);

    /// <summary>
    /// Queues the JSON message <c>{"type":type,"data":data}</c> to every member of a group with a
    /// delivery class, serialized and encoded once; returns how many members it was queued to.
    /// </summary>
    /// <param name="group">The group name.</param>
    /// <param name="type">The message type.</param>
    /// <param name="data">The payload.</param>
    /// <param name="delivery">Reliable, droppable or latest by key.</param>
    /// <param name="except">A member to leave out; null for none.</param>
    public int SendJson(string group, string type, object? data, WsDelivery delivery, IWsConnection? except = null)
    {
        if (group is null)
        {
            throw new ArgumentNullException(nameof(group));
        }

        if (delivery.IsReliable)
        {
            return SendJson(group, type, data, except);
        }

        _server.WarnDeliveryIsLocal(delivery);
        if (!_groups.TryGetValue(group, out var members))
        {
            return 0;
        }

        byte[] frame = _server.RentJsonFrame(type, data, out int length);
        try
        {
            return WsServer.SendFrame(members, frame.AsSpan(0, length), except, delivery);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private int SendFrame(string group, string? text, ReadOnlySpan<byte> binary, WsDelivery delivery, IWsConnection? except)
    {
        if (group is null)
        {
            throw new ArgumentNullException(nameof(group));
        }

        _server.WarnDeliveryIsLocal(delivery);
        if (!_groups.TryGetValue(group, out var members))
        {
            return 0;
        }

        byte[] frame = FrameWriter.RentFrame(text, binary, out int length);
        try
        {
            return WsServer.SendFrame(members, frame.AsSpan(0, length), except, delivery);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }
}
