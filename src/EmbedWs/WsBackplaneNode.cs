using System;
using EmbedWs.Protocol;
using EmbedWs.Transport;

namespace EmbedWs;

/// <summary>
/// What a backplane hands the frames of other nodes to: it sends them to this server's own
/// connections through the same encode-once path as a local broadcast (one copy of the frame
/// for every plain connection, one shared compressed frame for those that compress without
/// context takeover), with the delivery class the sending node gave: a droppable frame is dropped
/// (and counted) for a congested connection, a latest-by-key frame replaces the one with the same
/// key still waiting in a connection's queue. Safe from any thread.
/// </summary>
public sealed class WsBackplaneNode
{
    private readonly WsServer _server;

    internal WsBackplaneNode(WsServer server) => _server = server;

    /// <summary>The server this node delivers to: its connection count and groups are this node's presence.</summary>
    public WsServer Server => _server;

    /// <summary>Sends a frame from another node to every open connection of this server; returns how many took it.</summary>
    /// <param name="frame">One whole, unmasked data frame (<see cref="IsDataFrame"/>).</param>
    /// <param name="delivery">The delivery class the sending node gave (<see cref="WsDelivery.Reliable"/> for an old-format message).</param>
    public int DeliverToAll(ReadOnlySpan<byte> frame, WsDelivery delivery)
    {
        CheckFrame(frame);
        return WsServer.SendFrame(_server.ConnectionTable, frame, except: null, delivery);
    }

    /// <summary>Sends a frame from another node to this server's members of <paramref name="group"/>; returns how many took it.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="frame">One whole, unmasked data frame (<see cref="IsDataFrame"/>).</param>
    /// <param name="delivery">The delivery class the sending node gave.</param>
    public int DeliverToGroup(string group, ReadOnlySpan<byte> frame, WsDelivery delivery)
    {
        CheckFrame(frame);
        return _server.Groups.SendEncoded(group ?? throw new ArgumentNullException(nameof(group)), frame, delivery);
    }

    /// <summary>Sends a frame from another node to one connection of this server; false when it is not open here, its queue is full, or it dropped the frame.</summary>
    /// <param name="connectionId">The connection's <see cref="IWsConnection.Id"/>.</param>
    /// <param name="frame">One whole, unmasked data frame (<see cref="IsDataFrame"/>).</param>
    /// <param name="delivery">The delivery class the sending node gave.</param>
    public bool DeliverToConnection(long connectionId, ReadOnlySpan<byte> frame, WsDelivery delivery)
    {
        CheckFrame(frame);
        return _server.ConnectionTable.TryGetValue(connectionId, out var connection) && WsServer.SendEncoded(connection, frame, delivery);
    }

    /// <summary>Closes one connection of this server at another node's request; false when it is not open here or the code is not valid on the wire.</summary>
    /// <param name="connectionId">The connection's <see cref="IWsConnection.Id"/>.</param>
    /// <param name="code">The close code (RFC 6455 §7.4).</param>
    /// <param name="reason">The close reason, or null.</param>
    public bool CloseConnection(long connectionId, ushort code, string? reason)
    {
        if (!WsCloseCodes.IsValidOnWire(code) || !_server.ConnectionTable.TryGetValue(connectionId, out var connection))
        {
            return false;
        }

        connection.Close(code, reason);
        return true;
    }

    /// <summary>
    /// True when <paramref name="frame"/> is what the publish methods of <see cref="IWsBackplane"/>
    /// are given: one whole text or binary frame, FIN set, no reserved bits, unmasked, its
    /// length exactly the declared one (RFC 6455 §5.2). A backplane checks what it receives with
    /// it before delivering (the Deliver methods throw otherwise).
    /// </summary>
    /// <param name="frame">The bytes received.</param>
    public static bool IsDataFrame(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 2 || (frame[0] & 0xF0) != 0x80 || (frame[1] & 0x80) != 0)
        {
            return false;
        }

        var opcode = (WsOpcode)(frame[0] & 0x0F);
        if (opcode != WsOpcode.Text && opcode != WsOpcode.Binary)
        {
            return false;
        }

        int len7 = frame[1] & 0x7F;
        int header = len7 <= 125 ? 2 : len7 == 126 ? 4 : 10;
        if (frame.Length < header)
        {
            return false;
        }

        ulong length = len7 <= 125 ? (ulong)len7
            : len7 == 126 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(2))
            : System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(frame.Slice(2));
        return length == (ulong)(frame.Length - header);
    }

    private static void CheckFrame(ReadOnlySpan<byte> frame)
    {
        if (!IsDataFrame(frame))
        {
            throw new ArgumentException("Not one whole, unmasked text or binary frame (RFC 6455 §5.2).", nameof(frame));
        }
    }
}
