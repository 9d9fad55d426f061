using System.Collections.Generic;
using System.IO.Compression;
using System.Text.Unicode;
using EmbedWs.Protocol;
using static EmbedWs.Fuzz.InvariantException;

namespace EmbedWs.Fuzz;

/// <summary>
/// FrameDecoder with permessage-deflate agreed (RFC 7692), fed like the read loop feeds it.
/// Input layout: byte 0 picks the read sizes, byte 1 the message size limit (1 + 64 * byte 1,
/// up to 16,321 bytes, so inflation reaches it), byte 2 the agreed parameters (bit 0: client no
/// context takeover), the rest is the client's byte stream: compressed frames (RSV1) among plain
/// ones. Each result must keep the decoder's promises (an inflated message never over the limit,
/// inflated text valid UTF-8, a failed decoder stays failed, every pooled buffer returned), and
/// the stream read in pieces must give what it gives read at once.
/// </summary>
internal static class DeflateTarget
{
    private const int ReceiveBufferSize = 4096;

    private static readonly HashSet<string> s_messageFailures = new()
    {
        Describe(DecodeStatus.Error, default, FrameError.InvalidUtf8, default),
        Describe(DecodeStatus.Error, default, FrameError.InvalidCompressedData, default),
        Describe(DecodeStatus.Error, default, FrameError.MessageTooBig, default),
    };

    private static string Describe(DecodeStatus status, WsOpcode opcode, FrameError error, ReadOnlySpan<byte> payload) =>
        $"{status} {opcode} {error} {payload.Length} {Convert.ToHexString(payload.Slice(0, Math.Min(64, payload.Length)))}";

    public static void Run(byte[] input)
    {
        if (input.Length < 3)
        {
            return;
        }

        int limit = 1 + (64 * input[1]);
        bool clientNoTakeover = (input[2] & 1) != 0;
        var stream = input.AsSpan(3);

        var chunked = Feed(stream, limit, clientNoTakeover, new ReadSizes(input[0]));
        var whole = Feed(stream, limit, clientNoTakeover, new ReadSizes(0));
        int n = Math.Min(chunked.Count, whole.Count);
        for (int i = 0; i < n; i++)
        {
            // A compressed message can be wrong in several ways at once (text that is not UTF-8,
            // data that is not deflate, more than the limit): which one is met first depends on
            // where the reads split it, as zlib yields output up to the bad bytes. Any of them ends it.
            bool sameFailure = s_messageFailures.Contains(chunked[i]) && s_messageFailures.Contains(whole[i]);
            Check(chunked[i] == whole[i] || sameFailure, $"result {i} read in pieces is {chunked[i]}, read at once {whole[i]}");
        }

        Check(chunked.Count == whole.Count, $"{chunked.Count} results read in pieces, {whole.Count} read at once");
    }

    private static List<string> Feed(ReadOnlySpan<byte> stream, int limit, bool clientNoTakeover, ReadSizes reads)
    {
        var results = new List<string>();
        var pool = new TrackingPool(limit);
        using var deflate = new PerMessageDeflate(
            new DeflateParameters(serverNoContextTakeover: true, clientNoTakeover, serverMaxWindowBits: 15, answerServerWindowBits: false),
            threshold: 0, CompressionLevel.Fastest);
        var decoder = new FrameDecoder(limit, pool) { Deflate = deflate };
        var buffer = new byte[ReceiveBufferSize];
        int filled = 0;
        int pos = 0;
        bool ended = false;
        while (pos < stream.Length && !ended)
        {
            int r = Math.Min(Math.Min(reads.Next(), stream.Length - pos), buffer.Length - filled);
            stream.Slice(pos, r).CopyTo(buffer.AsSpan(filled));
            filled += r;
            pos += r;
            int offset = 0;
            while (true)
            {
                var status = decoder.Decode(buffer.AsMemory(offset, filled - offset), out int consumed, out var frame);
                offset += consumed;
                if (status == DecodeStatus.NeedMore)
                {
                    int left = filled - offset;
                    Check(left < WsConstants.MaxHeaderSize, $"NeedMore left {left} bytes: only a partial header may stay");
                    Buffer.BlockCopy(buffer, offset, buffer, 0, left);
                    filled = left;
                    break;
                }

                var payload = frame.Payload.Span;
                if (status == DecodeStatus.Message)
                {
                    Check(payload.Length <= limit, $"an inflated message of {payload.Length} bytes over the limit of {limit}");
                    Check(frame.Opcode != WsOpcode.Text || Utf8.IsValid(payload), $"a text message is valid UTF-8 once inflated: {Convert.ToHexString(payload)}");
                }
                else if (status == DecodeStatus.Error)
                {
                    Check(frame.CloseCode == frame.Error.CloseCode(), "an error carries its close code");
                    Check(decoder.Decode(buffer.AsMemory(offset, filled - offset), out int none, out _) == DecodeStatus.Error && none == 0,
                        "a failed decoder stays failed and consumes nothing");
                }

                results.Add(Describe(status, frame.Opcode, frame.Error, payload));
                if (status is DecodeStatus.Close or DecodeStatus.Error)
                {
                    ended = true;
                    break;
                }
            }
        }

        decoder.Dispose();
        pool.CheckAllReturned();
        return results;
    }
}
