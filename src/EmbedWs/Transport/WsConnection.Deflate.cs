using System;
using System.Buffers;
using EmbedWs.Protocol;

namespace EmbedWs.Transport;

// Sending a message compressed (permessage-deflate, RFC 7692 §7.2.1), through the one write primitive.
internal sealed partial class WsConnection
{
    /// <summary>
    /// Queues a frame encoded once for many connections (broadcast, groups). On a connection that
    /// compresses, a message over the threshold goes compressed: the shared compressed frame when
    /// the server keeps no context, or compressed by this connection's own compressor otherwise.
    /// </summary>
    public bool SendShared(ReadOnlySpan<byte> frame, ref SharedCompressedFrame compressed)
    {
        if (_deflate is not { } deflate)
        {
            return _outbox.Write(OutgoingFrame.Encoded(frame), fanOut: true);
        }

        var payload = SharedCompressedFrame.PayloadOf(frame);
        if (!deflate.ShouldCompress(payload.Length))
        {
            return _outbox.Write(OutgoingFrame.Encoded(frame), fanOut: true);
        }

        if (!deflate.Parameters.ServerNoContextTakeover)
        {
            return SendCompressed(OutgoingFrame.Of((WsOpcode)(frame[0] & 0x0F), payload), deflate, fanOut: true);
        }

        return _outbox.Write(OutgoingFrame.Encoded(compressed.TryGet(frame, Settings.CompressionLevel, out var shared) ? shared : frame), fanOut: true);
    }

    /// <summary>
    /// Compresses the message and queues the frame, both under the compressor's lock: with
    /// context takeover the peer inflates the frames in the order they were compressed, so no
    /// other send may queue a compressed frame in between. A message that does not get smaller
    /// (without context takeover) goes plain.
    /// </summary>
    private bool SendCompressed(in OutgoingFrame frame, PerMessageDeflate deflate, bool fanOut)
    {
        var payload = frame.GetPayload(out byte[]? rented);
        try
        {
            lock (deflate)
            {
                if (!deflate.TryCompress(frame.Opcode, payload, out var compressed))
                {
                    return _outbox.Write(OutgoingFrame.Of(frame.Opcode, payload), fanOut);
                }

                try
                {
                    return _outbox.Write(OutgoingFrame.Encoded(compressed), fanOut);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(compressed.Array!);
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
