using System;
using System.Buffers.Binary;
using System.Text;

namespace EmbedWs.Redis;

/// <summary>What a message on the channels means, read from its header by <see cref="RedisWire.TryRead"/>.</summary>
internal enum RedisMessageKind : byte
{
    /// <summary>A frame for everyone listening on the channel (the broadcast channel or a group's).</summary>
    Frame = 1,

    /// <summary>A frame for one connection of the node whose channel it is on.</summary>
    FrameToConnection = 2,

    /// <summary>Close one connection of the node whose channel it is on.</summary>
    Close = 3,
}

/// <summary>
/// The format of the messages the nodes exchange through Redis. One message, one header, then the
/// RFC 6455 frame exactly as the sending node encoded it (so the receiver sends it on unchanged):
/// <code>
///  byte 0      format version (1); a message of another version is dropped and counted
///  byte 1      kind (RedisMessageKind)
///  byte 2      flags: bits 0-1 the delivery class (0 reliable, 1 droppable, 2 latest by key;
///              3 is read as reliable), bit 2 set when a latest-by-key key is a number
///              (WsDelivery.Latest(long)), bits 3-7 reserved (sent 0, ignored when read). A
///              message of the first release has 0 here: reliable, as it was.
///  byte 3      n, the length of the sending node's id (1..255)
///  n bytes     the sending node's id, UTF-8: a node skips its own messages (it delivered them itself)
///  [8 bytes]   kinds 2 and 3: the connection id on the receiving node, big-endian
///  [2 bytes]   kind 3: the close code, big-endian (RFC 6455 §7.4), then the reason in UTF-8
///  [2+k bytes] kinds 1 and 2, class latest, a string key: k big-endian (0..MaxKeyBytes), then
///              the key in UTF-8
///  [8 bytes]   kinds 1 and 2, class latest, a numeric key (bit 2): the key, big-endian
///  rest        kinds 1 and 2: the frame
/// </code>
/// A key is at most <see cref="WsDelivery.MaxKeyLength"/> chars, so at most
/// <see cref="MaxKeyBytes"/> bytes: the sender never clips it (WsDelivery.Latest refuses a longer
/// one), and a receiver drops a message whose key is longer (it came from no EmbedWs node).
/// </summary>
internal static class RedisWire
{
    public const byte Version = 1;

    /// <summary>The longest key on the wire: <see cref="WsDelivery.MaxKeyLength"/> chars of at most 3 bytes of UTF-8 each (a surrogate pair is 4 bytes for 2 chars).</summary>
    public const int MaxKeyBytes = WsDelivery.MaxKeyLength * 3;

    private const int ClassMask = 0x03;
    private const int NumericKeyFlag = 0x04;

    /// <summary>Encodes a node id once, for every message the node sends.</summary>
    public static byte[] EncodeNodeId(string nodeId)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(nodeId);
        if (bytes.Length is 0 or > 255)
        {
            throw new ArgumentException("A node id is 1 to 255 bytes of UTF-8.", nameof(nodeId));
        }

        return bytes;
    }

    /// <summary>A frame message: for a channel's listeners, or (with a connection id) for one connection, with its delivery class.</summary>
    public static byte[] Frame(byte[] node, long? connectionId, ReadOnlySpan<byte> frame, WsDelivery delivery = default)
    {
        int at = 4 + node.Length + (connectionId is null ? 0 : 8);
        long? number = delivery.Kind == WsDeliveryKind.Latest ? delivery.NumericKey : null;
        string? key = delivery.Kind == WsDeliveryKind.Latest && number is null ? delivery.Key! : null;
        int keyBytes = key is null ? 0 : Encoding.UTF8.GetByteCount(key);
        if (keyBytes > MaxKeyBytes)
        {
            throw new ArgumentException($"A latest-by-key key is at most {MaxKeyBytes} bytes of UTF-8.", nameof(delivery));
        }

        int header = at + (key is not null ? 2 + keyBytes : number is not null ? 8 : 0);
        byte[] message = new byte[header + frame.Length];
        byte flags = (byte)((int)delivery.Kind | (number is null ? 0 : NumericKeyFlag));
        WriteHeader(message, connectionId is null ? RedisMessageKind.Frame : RedisMessageKind.FrameToConnection, flags, node);
        if (connectionId is { } id)
        {
            BinaryPrimitives.WriteInt64BigEndian(message.AsSpan(4 + node.Length), id);
        }

        if (key is not null)
        {
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(at), (ushort)keyBytes);
            Encoding.UTF8.GetBytes(key, message.AsSpan(at + 2));
        }
        else if (number is { } n)
        {
            BinaryPrimitives.WriteInt64BigEndian(message.AsSpan(at), n);
        }

        frame.CopyTo(message.AsSpan(header));
        return message;
    }

    /// <summary>A close message for one connection.</summary>
    public static byte[] Close(byte[] node, long connectionId, ushort code, string? reason)
    {
        int header = 4 + node.Length + 8 + 2;
        byte[] message = new byte[header + Encoding.UTF8.GetByteCount(reason ?? string.Empty)];
        WriteHeader(message, RedisMessageKind.Close, 0, node);
        BinaryPrimitives.WriteInt64BigEndian(message.AsSpan(4 + node.Length), connectionId);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(12 + node.Length), code);
        Encoding.UTF8.GetBytes(reason ?? string.Empty, message.AsSpan(header));
        return message;
    }

    /// <summary>
    /// Reads a message's header, and the delivery class of a frame (its key decoded). False for a
    /// message this version cannot read (too short, another version, an unknown kind, a key
    /// longer than a node sends): the caller drops and counts it.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out RedisMessage read)
    {
        read = default;
        if (message.Length < 5 || message[0] != Version || message[1] is < 1 or > 3 || message[3] == 0)
        {
            return false;
        }

        var kind = (RedisMessageKind)message[1];
        int nodeEnd = 4 + message[3];
        int header = nodeEnd + (kind == RedisMessageKind.Frame ? 0 : 8) + (kind == RedisMessageKind.Close ? 2 : 0);
        if (message.Length < header)
        {
            return false;
        }

        long connection = kind == RedisMessageKind.Frame ? 0 : BinaryPrimitives.ReadInt64BigEndian(message.Slice(nodeEnd));
        ushort code = kind == RedisMessageKind.Close ? BinaryPrimitives.ReadUInt16BigEndian(message.Slice(nodeEnd + 8)) : (ushort)0;
        var delivery = WsDelivery.Reliable;
        if (kind != RedisMessageKind.Close && !TryReadDelivery(message, message[2], ref header, out delivery))
        {
            return false;
        }

        read = new RedisMessage(kind, message[2], 4, message[3], connection, code, header, delivery);
        return true;
    }

    private static bool TryReadDelivery(ReadOnlySpan<byte> message, byte flags, ref int at, out WsDelivery delivery)
    {
        delivery = WsDelivery.Reliable;
        switch (flags & ClassMask)
        {
            case (int)WsDeliveryKind.Droppable:
                delivery = WsDelivery.Droppable;
                return true;
            case (int)WsDeliveryKind.Latest:
                break;
            default:
                // 0 (and 3, which no release sends): reliable, as every message of the first release.
                return true;
        }

        if ((flags & NumericKeyFlag) != 0)
        {
            if (message.Length < at + 8)
            {
                return false;
            }

            delivery = WsDelivery.Latest(BinaryPrimitives.ReadInt64BigEndian(message.Slice(at)));
            at += 8;
            return true;
        }

        if (message.Length < at + 2)
        {
            return false;
        }

        int keyBytes = BinaryPrimitives.ReadUInt16BigEndian(message.Slice(at));
        if (keyBytes > MaxKeyBytes || message.Length < at + 2 + keyBytes)
        {
            return false;
        }

        string key = Encoding.UTF8.GetString(message.Slice(at + 2, keyBytes));
        if (key.Length > WsDelivery.MaxKeyLength)
        {
            return false;
        }

        delivery = WsDelivery.Latest(key);
        at += 2 + keyBytes;
        return true;
    }

    private static void WriteHeader(Span<byte> message, RedisMessageKind kind, byte flags, byte[] node)
    {
        message[0] = Version;
        message[1] = (byte)kind;
        message[2] = flags;
        message[3] = (byte)node.Length;
        node.CopyTo(message.Slice(4));
    }
}

/// <summary>A message's header, as offsets into the message (<see cref="RedisWire.TryRead"/>).</summary>
internal readonly record struct RedisMessage(RedisMessageKind Kind, byte Flags, int NodeStart, int NodeLength, long ConnectionId, ushort Code, int BodyStart, WsDelivery Delivery)
{
    /// <summary>True when the message was sent by the node whose encoded id is <paramref name="node"/>.</summary>
    public bool IsFrom(ReadOnlySpan<byte> message, byte[] node) => message.Slice(NodeStart, NodeLength).SequenceEqual(node);
}
