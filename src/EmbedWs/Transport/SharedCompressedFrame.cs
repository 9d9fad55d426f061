using System;
using System.Buffers;
using System.IO.Compression;
using EmbedWs.Protocol;

namespace EmbedWs.Transport;

/// <summary>
/// A broadcast's frame compressed once, for every connection that compresses without server
/// context takeover: each of its messages is then compressed alone (RFC 7692 §7.1.1.1), so one
/// compressed frame fits them all, as one plain frame fits the others. Compressed on first need;
/// held by the broadcast's caller for the length of the broadcast, then disposed.
/// </summary>
internal struct SharedCompressedFrame : IDisposable
{
    private ArraySegment<byte> _frame;
    private bool _tried;

    /// <summary>
    /// The compressed form of <paramref name="plainFrame"/> (a whole unfragmented data frame), made
    /// at the first call; false when compressing would not make it smaller.
    /// </summary>
    public bool TryGet(ReadOnlySpan<byte> plainFrame, CompressionLevel level, out ReadOnlySpan<byte> compressed)
    {
        if (!_tried)
        {
            _tried = true;
            using var deflater = new MessageDeflater(level, contextTakeover: false);
            if (!deflater.TryCompress((WsOpcode)(plainFrame[0] & 0x0F), PayloadOf(plainFrame), out _frame))
            {
                _frame = default;
            }
        }

        compressed = _frame.AsSpan();
        return _frame.Array is not null;
    }

    /// <summary>The payload of a server frame (never masked, RFC 6455 §5.1): after a 2, 4 or 10-byte header.</summary>
    public static ReadOnlySpan<byte> PayloadOf(ReadOnlySpan<byte> frame)
    {
        int len7 = frame[1] & 0x7F;
        return frame.Slice(len7 <= 125 ? 2 : len7 == 126 ? 4 : 10);
    }

    public void Dispose()
    {
        if (_frame.Array is not null)
        {
            ArrayPool<byte>.Shared.Return(_frame.Array);
            _frame = default;
        }
    }
}
