using System.Buffers.Binary;
using System.Text;

namespace EmbedWs.Tests.TestSupport;

// Builds CLIENT frames (RFC 6455 §5.2) as raw bytes, masked by default, for unit tests and
// socket-level conformance tests. Independent of the library's own writer on purpose, so a
// bug in one is not hidden by the same bug in the other.
//
// Mask keys are given as the four mask bytes in wire order read big-endian: 0x37fa213d puts
// 37 fa 21 3d on the wire, as in the §5.7 example. (The library's FrameHeader.MaskKey holds
// the same bytes read little-endian.)
internal static class ClientFrame
{
    // The §5.7 example key; non-zero so that masking really changes the bytes.
    public const uint DefaultMaskKey = 0x37fa213d;

    public const byte OpContinuation = 0x0;
    public const byte OpText = 0x1;
    public const byte OpBinary = 0x2;
    public const byte OpClose = 0x8;
    public const byte OpPing = 0x9;
    public const byte OpPong = 0xA;

    // How the payload length is written: the shortest form, or forced to 16 or 64 bits.
    public enum LengthForm
    {
        Minimal,
        Extended16,
        Extended64,
    }

    // A whole frame. rsv is RSV1-3 as three bits (RSV1 = 0b100);
    // opcodeByte is the 4-bit opcode, reserved values allowed.
    public static byte[] Build(
        byte opcodeByte,
        ReadOnlySpan<byte> payload,
        bool fin = true,
        bool masked = true,
        uint? maskKey = null,
        byte rsv = 0,
        LengthForm lengthForm = LengthForm.Minimal)
    {
        uint key = maskKey ?? DefaultMaskKey;
        byte[] header = Header(opcodeByte, (ulong)payload.Length, fin, masked, key, rsv, lengthForm);
        var frame = new byte[header.Length + payload.Length];
        header.CopyTo(frame, 0);
        payload.CopyTo(frame.AsSpan(header.Length));
        if (masked)
        {
            Mask(frame.AsSpan(header.Length), key);
        }

        return frame;
    }

    // Only the header, declaring any 64-bit length (2^63 included, which is illegal on the
    // wire): for limit and length-validation tests that must not send the payload.
    public static byte[] Header(
        byte opcodeByte,
        ulong declaredLength,
        bool fin = true,
        bool masked = true,
        uint? maskKey = null,
        byte rsv = 0,
        LengthForm lengthForm = LengthForm.Minimal)
    {
        if (lengthForm == LengthForm.Minimal)
        {
            lengthForm = declaredLength <= 125 ? LengthForm.Minimal
                : declaredLength <= ushort.MaxValue ? LengthForm.Extended16
                : LengthForm.Extended64;
        }

        if (lengthForm == LengthForm.Extended16 && declaredLength > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(declaredLength), "does not fit 16 bits");
        }

        int lengthBytes = lengthForm switch
        {
            LengthForm.Extended16 => 2,
            LengthForm.Extended64 => 8,
            _ => 0,
        };
        var header = new byte[2 + lengthBytes + (masked ? 4 : 0)];
        header[0] = (byte)((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcodeByte & 0x0F));
        byte len7 = lengthBytes switch
        {
            2 => 126,
            8 => 127,
            _ => (byte)declaredLength,
        };
        header[1] = (byte)((masked ? 0x80 : 0) | len7);
        if (lengthBytes == 2)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)declaredLength);
        }
        else if (lengthBytes == 8)
        {
            BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), declaredLength);
        }

        if (masked)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(2 + lengthBytes), maskKey ?? DefaultMaskKey);
        }

        return header;
    }

    public static byte[] Text(string text, bool fin = true, bool masked = true) =>
        Build(OpText, Encoding.UTF8.GetBytes(text), fin, masked);

    // A text frame from raw bytes, which need not be valid UTF-8.
    public static byte[] TextBytes(ReadOnlySpan<byte> utf8, bool fin = true) => Build(OpText, utf8, fin);

    public static byte[] Binary(ReadOnlySpan<byte> data, bool fin = true, bool masked = true) =>
        Build(OpBinary, data, fin, masked);

    public static byte[] Continuation(ReadOnlySpan<byte> payload, bool fin = true) => Build(OpContinuation, payload, fin);

    public static byte[] Continuation(string text, bool fin = true) => Continuation(Encoding.UTF8.GetBytes(text), fin);

    // A close frame: no code gives an empty payload; otherwise the code big-endian and the reason in UTF-8.
    public static byte[] Close(ushort? code = null, string reason = "")
    {
        if (code is null)
        {
            if (reason.Length != 0)
            {
                throw new ArgumentException("a reason needs a code (RFC 6455 §5.5.1)", nameof(reason));
            }

            return CloseRaw(Array.Empty<byte>());
        }

        var payload = new byte[2 + Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code.Value);
        Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return CloseRaw(payload);
    }

    // A close frame with an arbitrary payload (one byte, a bad code, a reason that is not UTF-8).
    public static byte[] CloseRaw(ReadOnlySpan<byte> payload) => Build(OpClose, payload);

    public static byte[] Ping(ReadOnlySpan<byte> payload = default) => Build(OpPing, payload);

    public static byte[] Pong(ReadOnlySpan<byte> payload = default) => Build(OpPong, payload);

    public static byte[] Concat(params byte[][] frames)
    {
        int total = 0;
        foreach (var f in frames)
        {
            total += f.Length;
        }

        var all = new byte[total];
        int pos = 0;
        foreach (var f in frames)
        {
            f.CopyTo(all, pos);
            pos += f.Length;
        }

        return all;
    }

    // Byte-by-byte XOR with the key in wire order (§5.3); its own inverse.
    public static void Mask(Span<byte> data, uint maskKey, long offset = 0)
    {
        Span<byte> key = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(key, maskKey);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] ^= key[(int)((offset + i) & 3)];
        }
    }
}
