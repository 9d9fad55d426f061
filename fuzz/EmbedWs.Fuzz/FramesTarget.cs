using System.Collections.Generic;
using System.Text.Unicode;
using EmbedWs.Protocol;
using static EmbedWs.Fuzz.InvariantException;

namespace EmbedWs.Fuzz;

/// <summary>
/// FrameDecoder fed the way WsConnection's read loop feeds it: reads of varying sizes into a
/// receive buffer, a partial header kept at the front for the next read. Input layout:
/// byte 0 picks the read sizes, byte 1 the message size limit (1 to 2041 bytes, so the limit is
/// reached), the rest is the client's byte stream. The results must match <see cref="FrameModel"/>
/// and the same stream decoded in one piece, and each one must keep the decoder's promises.
/// </summary>
internal static class FramesTarget
{
    private const int ReceiveBufferSize = 4096;

    public static void Run(byte[] input)
    {
        if (input.Length < 2)
        {
            return;
        }

        var reads = new ReadSizes(input[0]);
        int limit = 1 + (8 * input[1]);
        var stream = input.AsSpan(2);

        var (expected, expectedMid) = FrameModel.Decode(stream, limit);
        var (chunked, chunkedMid) = Feed(stream, limit, reads);
        Compare(expected, expectedMid, chunked, chunkedMid, "read in pieces");
        var (whole, wholeMid) = Feed(stream, limit, new ReadSizes(0));
        Compare(expected, expectedMid, whole, wholeMid, "read at once");
        var (direct, directMid) = Feed(stream, limit, new ReadSizes(input[0]), direct: true);
        Compare(expected, expectedMid, direct, directMid, "read in pieces, a frame's rest straight into its message");
    }

    private static (List<FrameResult> Results, bool MidMessage) Feed(ReadOnlySpan<byte> stream, int limit, ReadSizes reads, bool direct = false)
    {
        var results = new List<FrameResult>();
        var pool = new TrackingPool(limit);
        var decoder = new FrameDecoder(limit, pool);
        var buffer = new byte[ReceiveBufferSize];
        int filled = 0;
        int pos = 0;
        bool ended = false;
        while (pos < stream.Length && !ended)
        {
            // As WsConnection: with no partial header kept, a half-read data frame's rest may be
            // read straight into the message, never past the frame's end.
            var target = direct && filled == 0 ? decoder.DirectTarget(1) : Memory<byte>.Empty;
            if (!target.IsEmpty)
            {
                int d = Math.Min(Math.Min(reads.Next(), stream.Length - pos), target.Length);
                stream.Slice(pos, d).CopyTo(target.Span);
                decoder.AcceptDirect(d);
                pos += d;
            }
            else
            {
                int n = Math.Min(Math.Min(reads.Next(), stream.Length - pos), buffer.Length - filled);
                Check(n > 0, "the receive buffer has room for a read");
                stream.Slice(pos, n).CopyTo(buffer.AsSpan(filled));
                filled += n;
                pos += n;
            }

            int offset = 0;
            while (true)
            {
                var status = decoder.Decode(buffer.AsMemory(offset, filled - offset), out int consumed, out var frame);
                Check(consumed >= 0 && consumed <= filled - offset, $"consumed {consumed} of {filled - offset}");
                offset += consumed;
                if (status == DecodeStatus.NeedMore)
                {
                    int left = filled - offset;
                    Check(left < WsConstants.MaxHeaderSize, $"NeedMore left {left} bytes: only a partial header may stay");
                    Buffer.BlockCopy(buffer, offset, buffer, 0, left);
                    filled = left;
                    break;
                }

                var result = Take(status, frame, limit);
                results.Add(result);
                if (status == DecodeStatus.Error)
                {
                    var again = decoder.Decode(buffer.AsMemory(offset, filled - offset), out int none, out _);
                    Check(again == DecodeStatus.Error && none == 0, "a failed decoder stays failed and consumes nothing");
                }

                // After a close or an error the connection only drains the socket.
                if (status is DecodeStatus.Close or DecodeStatus.Error)
                {
                    ended = true;
                    break;
                }
            }
        }

        bool mid = !ended && decoder.IsMidMessage;
        decoder.Dispose();
        pool.CheckAllReturned();
        return (results, mid);
    }

    // The decoder's promises for one result, then the payload copied (it is valid only until the next call).
    private static FrameResult Take(DecodeStatus status, in DecodedFrame frame, int limit)
    {
        var payload = frame.Payload.Span;
        switch (status)
        {
            case DecodeStatus.Message:
                Check(frame.Opcode is WsOpcode.Text or WsOpcode.Binary, $"a message is text or binary, not {frame.Opcode}");
                Check(payload.Length <= limit, $"a message of {payload.Length} bytes over the limit of {limit}");
                Check(frame.Opcode != WsOpcode.Text || Utf8.IsValid(payload), "a text message is valid UTF-8");
                break;
            case DecodeStatus.Ping:
            case DecodeStatus.Pong:
                Check(frame.Opcode == (status == DecodeStatus.Ping ? WsOpcode.Ping : WsOpcode.Pong), "a control result has its opcode");
                Check(payload.Length <= WsConstants.MaxControlPayload, "a control payload is at most 125 bytes");
                break;
            case DecodeStatus.Close:
                Check(payload.Length <= WsConstants.MaxControlPayload - 2, "a close reason is at most 123 bytes");
                Check(frame.CloseCode == WsCloseCodes.NoStatusReceived ? payload.IsEmpty : WsCloseCodes.IsValidOnWire(frame.CloseCode), "a close code is valid on the wire, or 1005 without a reason");
                Check(Utf8.IsValid(payload), "a close reason is valid UTF-8");
                break;
            case DecodeStatus.Error:
                Check(frame.Error != FrameError.None && Enum.IsDefined(frame.Error), $"an error names its cause, not {frame.Error}");
                Check(frame.CloseCode == frame.Error.CloseCode(), "an error carries its close code");
                break;
            default:
                throw new InvariantException($"undocumented decode status {status}");
        }

        return new FrameResult(status, frame.Opcode, Convert.ToHexString(payload), frame.CloseCode, frame.Error);
    }

    private static void Compare(List<FrameResult> expected, bool expectedMid, List<FrameResult> actual, bool actualMid, string how)
    {
        int n = Math.Min(expected.Count, actual.Count);
        for (int i = 0; i < n; i++)
        {
            Check(expected[i] == actual[i], $"{how}: result {i} is {actual[i]}, the model says {expected[i]}");
        }

        Check(expected.Count == actual.Count, $"{how}: {actual.Count} results, the model says {expected.Count}");
        Check(expectedMid == actualMid, $"{how}: IsMidMessage {actualMid}, the model says {expectedMid}");
    }
}
