using System.Collections.Generic;
using EmbedWs.Protocol;

namespace EmbedWs.Tests.TestSupport;

// One result of FrameDecoder.Decode with its payload copied out (the decoder's payload is only
// valid until the next call).
internal sealed record DecodeResult(DecodeStatus Status, WsOpcode Opcode, byte[] Payload, ushort CloseCode, FrameError Error, int Consumed)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Payload);

    public static DecodeResult From(DecodeStatus status, in DecodedFrame frame, int consumed) =>
        new(status, frame.Opcode, frame.Payload.ToArray(), frame.CloseCode, frame.Error, consumed);
}

// Drives a FrameDecoder the way a read loop does: bytes arrive in chunks, unconsumed bytes are
// kept and handed back with the next chunk, and Decode is called until it needs more.
internal static class DecoderFeed
{
    // Every non-NeedMore result, in order; stops at the first Error.
    public static List<DecodeResult> DecodeAll(FrameDecoder decoder, ReadOnlySpan<byte> bytes, int chunkSize = int.MaxValue) =>
        Feed(decoder, bytes, chunkSize, directMinimum: null);

    // As DecodeAll, but the way WsConnection reads: whenever no partial header is kept and the
    // decoder offers a direct target (a large frame half-read), the next chunk goes straight into
    // it (never more than it offers) and Decode is called with no input.
    public static List<DecodeResult> DecodeAllDirect(FrameDecoder decoder, ReadOnlySpan<byte> bytes, int chunkSize, int minimum = 1) =>
        Feed(decoder, bytes, chunkSize, minimum);

    private static List<DecodeResult> Feed(FrameDecoder decoder, ReadOnlySpan<byte> bytes, int chunkSize, int? directMinimum)
    {
        var results = new List<DecodeResult>();
        var pending = new List<byte>();
        int start = 0;
        while (start < bytes.Length)
        {
            var target = directMinimum is int minimum && pending.Count == 0 ? decoder.DirectTarget(minimum) : Memory<byte>.Empty;
            int n = Math.Min(chunkSize, bytes.Length - start);
            if (!target.IsEmpty)
            {
                n = Math.Min(n, target.Length);
                bytes.Slice(start, n).CopyTo(target.Span);
                decoder.AcceptDirect(n);
            }
            else
            {
                pending.AddRange(bytes.Slice(start, n).ToArray());
            }

            start += n;
            while (true)
            {
                byte[] buffer = pending.ToArray();
                var status = decoder.Decode(buffer, out int consumed, out var frame);
                pending.RemoveRange(0, consumed);
                if (status == DecodeStatus.NeedMore)
                {
                    break;
                }

                results.Add(DecodeResult.From(status, frame, consumed));
                if (status == DecodeStatus.Error)
                {
                    return results;
                }
            }
        }

        return results;
    }

    // A single Decode call over a copy of bytes (the decoder unmasks in place).
    public static DecodeResult DecodeOnce(FrameDecoder decoder, ReadOnlySpan<byte> bytes)
    {
        var status = decoder.Decode(bytes.ToArray(), out int consumed, out var frame);
        return DecodeResult.From(status, frame, consumed);
    }
}
