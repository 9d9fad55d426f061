using System;

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
    public int Send(string group, string text, WsDelivery delivery, IWsConnection? except = null) =>
        SendFrame(group, text ?? throw new ArgumentNullException(nameof(text)), default, except, delivery);

    /// <summary>Queues a binary message to every member of a group with a delivery class; as the text overload.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="data">The message.</param>
    /// <param name="delivery">Reliable, droppable or latest by key.</param>
    /// <param name="except">A member to leave out; null for none.</param>
    public int Send(string group, ReadOnlyMemory<byte> data, WsDelivery delivery, IWsConnection? except = null) =>
        SendFrame(group, null, data.Span, except, delivery);

    /// <summary>
    /// Queues the JSON message <c>{"type":type,"data":data}</c> to every member of a group with a
    /// delivery class, serialized and encoded once; returns how many members it was queued to.
    /// </summary>
    /// <param name="group">The group name.</param>
    /// <param name="type">The message type.</param>
    /// <param name="data">The payload.</param>
    /// <param name="delivery">Reliable, droppable or latest by key.</param>
    /// <param name="except">A member to leave out; null for none.</param>
    public int SendJson(string group, string type, object? data, WsDelivery delivery, IWsConnection? except = null) =>
        SendJsonCore(group, type, data, delivery, except);
}
