using System;

namespace EmbedWs.Protocol;

// A compressed message (RFC 7692 §7.2.2): each chunk of its payload is inflated as it arrives,
// straight into the message buffer, so the inflated size is checked against the limit while it
// is produced, never after: a small frame that would inflate to gigabytes stops at the limit.
internal sealed partial class FrameDecoder
{
    /// <summary>Inflates one unmasked chunk of a compressed message's payload into the message.</summary>
    private FrameError Inflate(ReadOnlyMemory<byte> compressed)
    {
        Deflate!.Inflater.SetInput(compressed);
        return DrainInflater();
    }

    /// <summary>The message's last frame was read: puts back the 00 00 FF FF the sender removed and inflates the rest.</summary>
    private FrameError FinishInflate()
    {
        var deflate = Deflate!;
        deflate.Inflater.SetEndOfMessage();
        var error = DrainInflater();
        deflate.MessageInflated();
        return error;
    }

    private FrameError DrainInflater()
    {
        var inflater = Deflate!.Inflater;
        while (true)
        {
            int room = (int)(_maxMessageSize - _messageLength);
            if (room == 0)
            {
                // At the limit: the message is too big if the inflater has even one byte more.
                Span<byte> probe = stackalloc byte[1];
                int extra = inflater.Read(probe);
                return extra > 0 ? FrameError.MessageTooBig : extra < 0 ? FrameError.InvalidCompressedData : FrameError.None;
            }

            if (_messageBuffer is null || _messageBuffer.Length == _messageLength)
            {
                // Grow four times over, not two: the pool keeps each buffer a message outgrew, so
                // the sizes a message passes through sum to 1.33 times the last, not 2 times.
                Reserve((int)Math.Min(_maxMessageSize, Math.Max(_messageLength + 1L, 4L * _messageLength)));
            }

            var target = _messageBuffer.AsSpan(_messageLength, Math.Min(room, _messageBuffer!.Length - _messageLength));
            int n = inflater.Read(target);
            if (n <= 0)
            {
                return n < 0 ? FrameError.InvalidCompressedData : FrameError.None;
            }

            // §8.1 on what the application sees: the inflated text, across fragments.
            if (_messageOpcode == WsOpcode.Text && !_utf8.Feed(target.Slice(0, n)))
            {
                return FrameError.InvalidUtf8;
            }

            _messageLength += n;
        }
    }
}
