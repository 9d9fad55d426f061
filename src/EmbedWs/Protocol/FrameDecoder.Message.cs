using System;

namespace EmbedWs.Protocol;

// The buffer a data message is assembled in: grown with the bytes that arrive, handed back once
// the message was used, and offered as a read target for the rest of a large frame.
internal sealed partial class FrameDecoder
{
    // A message buffer may be reserved ahead of the bytes, up to the frame's declared length but
    // never more than this: a 10-byte header must not pin a megabyte.
    private const int MaxReserveAhead = 64 * 1024;

    private void Append(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return;
        }

        Reserve(_messageLength + chunk.Length);
        chunk.CopyTo(_messageBuffer.AsSpan(_messageLength));
        _messageLength += chunk.Length;
    }

    /// <summary>
    /// Makes room for at least <paramref name="needed"/> bytes of message. Grows by doubling, and
    /// reserves up to the end of the frame being read (at most <see cref="MaxReserveAhead"/>) so a
    /// message of a few reads is not copied again each time; never past the limit (Check ensured
    /// <paramref name="needed"/> is within it).
    /// </summary>
    private void Reserve(int needed)
    {
        if (_messageBuffer is not null && _messageBuffer.Length >= needed)
        {
            return;
        }

        long frameEnd = _messageLength + _frameRemaining;
        long size = Math.Max(needed, Math.Max(4096L, (_messageBuffer?.Length ?? 0) * 2L));
        size = Math.Max(size, Math.Min(frameEnd, MaxReserveAhead));
        var bigger = _pool.Rent((int)Math.Min(_maxMessageSize, size));
        if (_messageBuffer is not null)
        {
            _messageBuffer.AsSpan(0, _messageLength).CopyTo(bigger);
            _pool.Return(_messageBuffer);
        }

        _messageBuffer = bigger;
    }

    /// <summary>
    /// Where the rest of the data frame being read may be received straight into the message,
    /// skipping the read buffer: empty unless a data frame's payload is half-read and at least
    /// <paramref name="minimum"/> bytes of it are still to come. Never longer than the frame's
    /// rest, so a read into it cannot take the next frame's bytes. Pass what arrived to
    /// <see cref="AcceptDirect"/>.
    /// </summary>
    public Memory<byte> DirectTarget(int minimum)
    {
        // A compressed message is inflated from the read buffer, chunk by chunk, into the message.
        if (_failed || _directError != FrameError.None || !_inPayload || _frame.Opcode.IsControl() || _messageCompressed || _frameRemaining < minimum)
        {
            return Memory<byte>.Empty;
        }

        Reserve((int)Math.Min(_messageLength + _frameRemaining, Math.Max(_messageLength + (long)minimum, 2L * _messageLength)));
        int room = (int)Math.Min(_frameRemaining, _messageBuffer!.Length - _messageLength);
        return _messageBuffer.AsMemory(_messageLength, room);
    }

    /// <summary>
    /// Takes <paramref name="count"/> bytes received into <see cref="DirectTarget"/>: unmasks and
    /// checks them as Decode would. The next Decode (with no input, or the next read's) goes on
    /// from there, and reports the message when this completed it.
    /// </summary>
    public void AcceptDirect(int count)
    {
        var chunk = _messageBuffer.AsSpan(_messageLength, count);
        Masking.Apply(chunk, _frame.MaskKey, _maskOffset);
        if (_messageOpcode == WsOpcode.Text && !_utf8.Feed(chunk))
        {
            _directError = FrameError.InvalidUtf8;
        }

        _messageLength += count;
        _maskOffset += count;
        _frameRemaining -= count;
    }

    /// <summary>An idle connection keeps no message buffer: hand it back once its message was used.</summary>
    private void ReleaseDeliveredMessage()
    {
        if (_messageDelivered)
        {
            _messageDelivered = false;
            _messageLength = 0;
            ReturnMessageBuffer();
        }
    }

    private void ReturnMessageBuffer()
    {
        if (_messageBuffer is not null)
        {
            _pool.Return(_messageBuffer);
            _messageBuffer = null;
        }
    }
}
