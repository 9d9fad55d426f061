using System;
using System.Buffers;
using EmbedWs.Protocol;

namespace EmbedWs.Transport;

// Sending a message compressed (permessage-deflate, RFC 7692 §7.2.1), through the one write primitive.
internal sealed partial class WsConnection
{
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
