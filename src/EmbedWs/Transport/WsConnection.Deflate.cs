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
    public bool SendShared(ReadOnlySpan<byte> frame, ref SharedCompressedFrame compressed, WsDelivery delivery = default)
    {
        if (_deflate is not { } deflate)
        {
            return Deliver(OutgoingFrame.Encoded(frame), delivery, fanOut: true);
        }

        var payload = SharedCompressedFrame.PayloadOf(frame);
        if (!deflate.ShouldCompress(payload.Length))
        {
            return Deliver(OutgoingFrame.Encoded(frame), delivery, fanOut: true);
        }

        if (!deflate.Parameters.ServerNoContextTakeover)
        {
            // With context takeover a frame taken out of the queue would break the client's
            // inflater (RFC 7692 §7.1.1.1): a message that may not be sent goes plain.
            return delivery.IsReliable
                ? SendCompressed(OutgoingFrame.Of((WsOpcode)(frame[0] & 0x0F), payload), deflate, fanOut: true)
                : Deliver(OutgoingFrame.Encoded(frame), delivery, fanOut: true);
        }

        return Deliver(OutgoingFrame.Encoded(compressed.TryGet(frame, Settings.CompressionLevel, out var shared) ? shared : frame), delivery, fanOut: true);
    }

    /// <summary>
    /// Compresses the message and queues the frame, both under the compressor's lock: with
    /// context takeover the peer inflates the frames in the order they were compressed, so no
    /// other send may queue a compressed frame in between. A message that does not get smaller
    /// (without context takeover) goes plain.
    /// </summary>
    private bool SendCompressed(in OutgoingFrame frame, PerMessageDeflate deflate, bool fanOut, WsDelivery delivery = default)
    {
        var payload = frame.GetPayload(out byte[]? rented);
        try
        {
            lock (deflate)
            {
                if (!deflate.TryCompress(frame.Opcode, payload, out var compressed))
                {
                    return Deliver(OutgoingFrame.Of(frame.Opcode, payload), delivery, fanOut);
                }

                try
                {
                    return Deliver(OutgoingFrame.Encoded(compressed), delivery, fanOut);
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
