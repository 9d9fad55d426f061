using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text.Unicode;
using EmbedWs.Protocol;

namespace EmbedWs.Fuzz;

/// <summary>One decoder result, payload copied; compared field by field.</summary>
internal readonly record struct FrameResult(DecodeStatus Status, WsOpcode Opcode, string PayloadHex, ushort CloseCode, FrameError Error)
{
    public override string ToString() => $"{Status} {Opcode} [{PayloadHex}] code {CloseCode} {Error}";
}

/// <summary>
/// RFC 6455 §5 written the plain way, for comparison with FrameDecoder: the whole stream at
/// once, byte-by-byte unmasking, lists instead of pools, and the runtime's UTF-8 validation.
/// Checks come in the decoder's documented order (header, sequence, size, then payload).
/// </summary>
internal static class FrameModel
{
    /// <summary>The results a read loop must see for <paramref name="stream"/>, and whether a message or frame is left half-read.</summary>
    public static (List<FrameResult> Results, bool MidMessage) Decode(ReadOnlySpan<byte> stream, long limit)
    {
        var results = new List<FrameResult>();
        var message = new List<byte>();
        bool open = false;
        var messageOpcode = WsOpcode.Continuation;
        int pos = 0;
        while (true)
        {
            var rest = stream.Slice(pos);
            if (rest.Length < 2)
            {
                return (results, open);
            }

            bool fin = (rest[0] & 0x80) != 0;
            int rsv = (rest[0] >> 4) & 7;
            var opcode = (WsOpcode)(rest[0] & 0x0F);
            bool masked = (rest[1] & 0x80) != 0;
            int len7 = rest[1] & 0x7F;
            int extra = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
            int headerLength = 2 + extra + (masked ? 4 : 0);
            if (rest.Length < headerLength)
            {
                return (results, open);
            }

            ulong length = len7 == 126 ? BinaryPrimitives.ReadUInt16BigEndian(rest.Slice(2))
                : len7 == 127 ? BinaryPrimitives.ReadUInt64BigEndian(rest.Slice(2))
                : (ulong)len7;
            bool control = opcode is WsOpcode.Close or WsOpcode.Ping or WsOpcode.Pong;
            FrameError error =
                length >= 1UL << 63 ? FrameError.InvalidLength
                : !masked ? FrameError.UnmaskedFrame
                : rsv != 0 ? FrameError.ReservedBits
                : !(control || opcode is WsOpcode.Continuation or WsOpcode.Text or WsOpcode.Binary) ? FrameError.ReservedOpcode
                : control && !fin ? FrameError.FragmentedControlFrame
                : control && length > 125 ? FrameError.ControlFrameTooLong
                : control ? FrameError.None
                : opcode == WsOpcode.Continuation && !open ? FrameError.UnexpectedContinuation
                : opcode != WsOpcode.Continuation && open ? FrameError.ExpectedContinuation
                : (long)length > limit - (opcode == WsOpcode.Continuation ? message.Count : 0) ? FrameError.MessageTooBig
                : FrameError.None;
            if (error != FrameError.None)
            {
                results.Add(Error(error));
                return (results, false);
            }

            pos += headerLength;
            var key = rest.Slice(headerLength - 4, 4);
            int available = (int)Math.Min((long)length, stream.Length - pos);
            var payload = stream.Slice(pos, available).ToArray();
            for (int i = 0; i < payload.Length; i++)
            {
                payload[i] ^= key[i & 3];
            }

            if (!control)
            {
                if (opcode != WsOpcode.Continuation)
                {
                    open = true;
                    messageOpcode = opcode;
                    message.Clear();
                }

                message.AddRange(payload);
                if (messageOpcode == WsOpcode.Text && !IsUtf8Prefix(message.ToArray()))
                {
                    results.Add(Error(FrameError.InvalidUtf8));
                    return (results, false);
                }
            }

            if ((ulong)available < length)
            {
                return (results, true);
            }

            pos += available;
            if (control)
            {
                var result = Control(opcode, payload);
                results.Add(result);
                if (result.Status is DecodeStatus.Close or DecodeStatus.Error)
                {
                    return (results, false);
                }
            }
            else if (fin)
            {
                open = false;
                if (messageOpcode == WsOpcode.Text && !Utf8.IsValid(message.ToArray()))
                {
                    results.Add(Error(FrameError.InvalidUtf8));
                    return (results, false);
                }

                results.Add(new FrameResult(DecodeStatus.Message, messageOpcode, Convert.ToHexString(message.ToArray()), 0, FrameError.None));
            }
        }
    }

    private static FrameResult Control(WsOpcode opcode, byte[] payload)
    {
        if (opcode != WsOpcode.Close)
        {
            return new FrameResult(opcode == WsOpcode.Ping ? DecodeStatus.Ping : DecodeStatus.Pong, opcode, Convert.ToHexString(payload), 0, FrameError.None);
        }

        // §5.5.1: nothing, or a 2-byte code and a UTF-8 reason; §7.4 says which codes may be sent.
        if (payload.Length == 0)
        {
            return new FrameResult(DecodeStatus.Close, WsOpcode.Close, string.Empty, 1005, FrameError.None);
        }

        if (payload.Length == 1)
        {
            return Error(FrameError.InvalidClosePayload);
        }

        int code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        bool valid = code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);
        if (!valid)
        {
            return Error(FrameError.InvalidCloseCode);
        }

        var reason = payload.AsSpan(2);
        return Utf8.IsValid(reason)
            ? new FrameResult(DecodeStatus.Close, WsOpcode.Close, Convert.ToHexString(reason), (ushort)code, FrameError.None)
            : Error(FrameError.InvalidCloseReason);
    }

    private static FrameResult Error(FrameError error)
    {
        ushort code = error switch
        {
            FrameError.MessageTooBig => 1009,
            FrameError.InvalidUtf8 or FrameError.InvalidCloseReason => 1007,
            _ => 1002,
        };
        return new FrameResult(DecodeStatus.Error, default, string.Empty, code, error);
    }

    /// <summary>True when some bytes could follow <paramref name="s"/> to make it valid UTF-8.</summary>
    private static bool IsUtf8Prefix(byte[] s)
    {
        if (Utf8.IsValid(s))
        {
            return true;
        }

        // Otherwise only the last character may be cut short: it starts at most 3 bytes back.
        for (int cut = 1; cut <= 3 && cut <= s.Length; cut++)
        {
            int start = s.Length - cut;
            byte lead = s[start];
            int size = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
            if (size <= cut || !Utf8.IsValid(s.AsSpan(0, start)))
            {
                continue;
            }

            // The second byte decides (E0, ED, F0 and F4 narrow it); later ones may be any 80..BF.
            var character = new byte[size];
            s.AsSpan(start).CopyTo(character);
            for (int second = 0x80; second <= 0xBF; second++)
            {
                if (cut == 1)
                {
                    character[1] = (byte)second;
                }

                for (int i = Math.Max(cut, 2); i < size; i++)
                {
                    character[i] = 0x80;
                }

                if (Utf8.IsValid(character))
                {
                    return true;
                }

                if (cut > 1)
                {
                    break;
                }
            }
        }

        return false;
    }
}
