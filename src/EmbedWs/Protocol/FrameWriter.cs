using System;
using System.Buffers.Binary;
using System.Diagnostics;

namespace EmbedWs.Protocol;

/// <summary>
/// Writes every outgoing frame header. Server frames are never masked (RFC 6455 §5.1), so a
/// header is 2, 4 or 10 bytes.
/// </summary>
internal static class FrameWriter
{
    // Byte 0: FIN(1) RSV1-3(000) opcode(4). Byte 1: MASK(0) len7.
    // len7 <= 125: the length itself; 126: a 16-bit length follows; 127: a 64-bit length follows.

    /// <summary>The header size for a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static int HeaderSize(long payloadLength) =>
        payloadLength <= 125 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10;

    /// <summary>Writes a header into <paramref name="destination"/> and returns its size.</summary>
    public static int WriteHeader(Span<byte> destination, WsOpcode opcode, bool fin, long payloadLength)
    {
        Debug.Assert(payloadLength >= 0, "payload length must not be negative");
        destination[0] = (byte)((fin ? 0x80 : 0) | (byte)opcode);
        if (payloadLength <= 125)
        {
            destination[1] = (byte)payloadLength;
            return 2;
        }

        if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), (ushort)payloadLength);
            return 4;
        }

        destination[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(2), (ulong)payloadLength);
        return 10;
    }

    /// <summary>Writes a whole frame (header and payload) and returns its size.</summary>
    public static int WriteFrame(Span<byte> destination, WsOpcode opcode, ReadOnlySpan<byte> payload)
    {
        int h = WriteHeader(destination, opcode, fin: true, payload.Length);
        payload.CopyTo(destination.Slice(h));
        return h + payload.Length;
    }

    /// <summary>
    /// Encodes a whole text frame (or binary, when <paramref name="text"/> is null) once, into a
    /// buffer rented from the shared pool: return it with <c>ArrayPool&lt;byte&gt;.Shared.Return</c>.
    /// </summary>
    public static byte[] RentFrame(string? text, ReadOnlySpan<byte> binary, out int frameLength)
    {
        int payloadLength = text is null ? binary.Length : System.Text.Encoding.UTF8.GetByteCount(text);
        byte[] frame = System.Buffers.ArrayPool<byte>.Shared.Rent(HeaderSize(payloadLength) + payloadLength);
        int h = WriteHeader(frame, text is null ? WsOpcode.Binary : WsOpcode.Text, fin: true, payloadLength);
        if (text is null)
        {
            binary.CopyTo(frame.AsSpan(h));
        }
        else
        {
            System.Text.Encoding.UTF8.GetBytes(text.AsSpan(), frame.AsSpan(h));
        }

        frameLength = h + payloadLength;
        return frame;
    }

    /// <summary>
    /// Encodes a whole data frame of <paramref name="opcode"/> with a payload already in bytes
    /// (a JSON message in UTF-8) once, into a buffer rented from the shared pool.
    /// </summary>
    public static byte[] RentFrame(WsOpcode opcode, ReadOnlySpan<byte> payload, out int frameLength)
    {
        byte[] frame = System.Buffers.ArrayPool<byte>.Shared.Rent(HeaderSize(payload.Length) + payload.Length);
        frameLength = WriteFrame(frame, opcode, payload);
        return frame;
    }

    /// <summary>
    /// Writes a close payload (§5.5.1): the code big-endian, then the reason in UTF-8, cut at a
    /// character boundary so the whole frame fits the 125-byte control limit.
    /// </summary>
    public static int WriteClosePayload(Span<byte> destination, ushort code, string? reason)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, code);
        if (string.IsNullOrEmpty(reason))
        {
            return 2;
        }

        int max = WsConstants.MaxControlPayload - 2;
        var encoder = System.Text.Encoding.UTF8;
        int count = 0;
        // Add whole characters (surrogate pairs together) while they fit.
        for (int i = 0; i < reason!.Length;)
        {
            int charLen = char.IsHighSurrogate(reason[i]) && i + 1 < reason.Length ? 2 : 1;
            int bytes = encoder.GetByteCount(reason.AsSpan(i, charLen));
            if (count + bytes > max)
            {
                break;
            }

            count += encoder.GetBytes(reason.AsSpan(i, charLen), destination.Slice(2 + count));
            i += charLen;
        }

        return 2 + count;
    }
}
