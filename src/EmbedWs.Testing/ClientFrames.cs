using System;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace EmbedWs.Testing;

/// <summary>
/// The client's side of RFC 6455 framing, written plainly for tests: masked frames out (§5.3, a
/// client must mask), unmasked frames in, parsed from a growing buffer.
/// </summary>
internal static class ClientFrames
{
    public const byte Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA;

    /// <summary>One whole masked frame (§5.2): FIN set, a fresh random mask.</summary>
    public static byte[] Build(byte opcode, ReadOnlySpan<byte> payload)
    {
        int lengthBytes = payload.Length <= 125 ? 0 : payload.Length <= ushort.MaxValue ? 2 : 8;
        var frame = new byte[2 + lengthBytes + 4 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        if (lengthBytes == 0)
        {
            frame[1] = (byte)(0x80 | payload.Length);
        }
        else if (lengthBytes == 2)
        {
            frame[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        }
        else
        {
            frame[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
        }

        var mask = frame.AsSpan(2 + lengthBytes, 4);
        RandomNumberGenerator.Fill(mask);
        var body = frame.AsSpan(6 + lengthBytes);
        payload.CopyTo(body);
        for (int i = 0; i < body.Length; i++)
        {
            body[i] ^= mask[i & 3];
        }

        return frame;
    }

    /// <summary>A close frame's payload: the code big-endian, then the reason (§5.5.1).</summary>
    public static byte[] ClosePayload(ushort code, string reason)
    {
        var text = System.Text.Encoding.UTF8.GetBytes(reason);
        var payload = new byte[2 + text.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        text.CopyTo(payload, 2);
        return payload;
    }

    /// <summary>
    /// Takes the next whole frame from <paramref name="buffer"/> between <paramref name="start"/>
    /// and <paramref name="end"/>, if there is one: its FIN bit, opcode and payload, and moves
    /// <paramref name="start"/> past it. Server frames are never masked (§5.1).
    /// </summary>
    public static bool TryTake(byte[] buffer, ref int start, int end, out bool fin, out byte opcode, out byte[] payload)
    {
        fin = false;
        opcode = 0;
        payload = Array.Empty<byte>();
        int available = end - start;
        if (available < 2)
        {
            return false;
        }

        int header = 2;
        long length = buffer[start + 1] & 0x7F;
        if (length == 126)
        {
            header = 4;
            if (available < header)
            {
                return false;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(start + 2));
        }
        else if (length == 127)
        {
            header = 10;
            if (available < header)
            {
                return false;
            }

            length = (long)BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(start + 2));
        }

        if (available < header + length)
        {
            return false;
        }

        fin = (buffer[start] & 0x80) != 0;
        opcode = (byte)(buffer[start] & 0x0F);
        payload = buffer.AsSpan(start + header, (int)length).ToArray();
        start += header + (int)length;
        return true;
    }

    /// <summary>A close frame's code and reason (§5.5.1); 1005 when it has no code (§7.1.5).</summary>
    public static (ushort Code, string Reason) ParseClose(byte[] payload) => (
        payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : (ushort)1005,
        payload.Length > 2 ? System.Text.Encoding.UTF8.GetString(payload, 2, payload.Length - 2) : string.Empty);
}
