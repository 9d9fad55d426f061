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
///  byte 2      flags: the delivery class, reserved (0 today; a receiver passes it on, never fails on it)
///  byte 3      n, the length of the sending node's id (1..255)
///  n bytes     the sending node's id, UTF-8: a node skips its own messages (it delivered them itself)
///  [8 bytes]   kinds 2 and 3: the connection id on the receiving node, big-endian
///  [2 bytes]   kind 3: the close code, big-endian (RFC 6455 §7.4), then the reason in UTF-8
///  rest        kinds 1 and 2: the frame
/// </code>
/// </summary>
internal static class RedisWire
{
    public const byte Version = 1;

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

    /// <summary>A frame message: for a channel's listeners, or (with a connection id) for one connection.</summary>
    public static byte[] Frame(byte[] node, long? connectionId, ReadOnlySpan<byte> frame, byte flags = 0)
    {
        int header = 4 + node.Length + (connectionId is null ? 0 : 8);
        byte[] message = new byte[header + frame.Length];
        WriteHeader(message, connectionId is null ? RedisMessageKind.Frame : RedisMessageKind.FrameToConnection, flags, node);
        if (connectionId is { } id)
        {
            BinaryPrimitives.WriteInt64BigEndian(message.AsSpan(4 + node.Length), id);
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
    /// Reads a message's header. False for a message this version cannot read (too short,
    /// another version, an unknown kind): the caller drops and counts it.
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
        read = new RedisMessage(kind, message[2], 4, message[3], connection, code, header);
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
internal readonly record struct RedisMessage(RedisMessageKind Kind, byte Flags, int NodeStart, int NodeLength, long ConnectionId, ushort Code, int BodyStart)
{
    /// <summary>True when the message was sent by the node whose encoded id is <paramref name="node"/>.</summary>
    public bool IsFrom(ReadOnlySpan<byte> message, byte[] node) => message.Slice(NodeStart, NodeLength).SequenceEqual(node);
}
