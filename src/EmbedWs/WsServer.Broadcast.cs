using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Threading.Tasks;
using EmbedWs.Protocol;
using EmbedWs.Transport;

namespace EmbedWs;

public sealed partial class WsServer
{
    /// <summary>
    /// Sends a text message to every open connection (except <paramref name="except"/>). The
    /// frame is encoded once. Returns how many connections it was queued to.
    /// </summary>
    /// <param name="text">The message.</param>
    /// <param name="except">A connection to leave out, typically the sender; null for none.</param>
    public ValueTask<int> BroadcastAsync(string text, IWsConnection? except = null)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        int length = Encoding.UTF8.GetByteCount(text);
        byte[] frame = ArrayPool<byte>.Shared.Rent(FrameWriter.HeaderSize(length) + length);
        try
        {
            int h = FrameWriter.WriteHeader(frame, WsOpcode.Text, fin: true, length);
            Encoding.UTF8.GetBytes(text.AsSpan(), frame.AsSpan(h));
            return new ValueTask<int>(SendFrameToAll(frame.AsSpan(0, h + length), except));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Sends a binary message to every open connection (except <paramref name="except"/>); as the text overload.</summary>
    /// <param name="data">The message.</param>
    /// <param name="except">A connection to leave out; null for none.</param>
    public ValueTask<int> BroadcastAsync(ReadOnlyMemory<byte> data, IWsConnection? except = null)
    {
        byte[] frame = ArrayPool<byte>.Shared.Rent(FrameWriter.HeaderSize(data.Length) + data.Length);
        try
        {
            int length = FrameWriter.WriteFrame(frame, WsOpcode.Binary, data.Span);
            return new ValueTask<int>(SendFrameToAll(frame.AsSpan(0, length), except));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private int SendFrameToAll(ReadOnlySpan<byte> frame, IWsConnection? except)
    {
        int sent = 0;
        foreach (var pair in _connections)
        {
            var c = pair.Value;
            if (!ReferenceEquals(c, except) && c.EnqueueFrame(frame))
            {
                sent++;
            }
        }

        return sent;
    }

    /// <summary>Queues one encoded frame to each of <paramref name="targets"/>; returns how many took it.</summary>
    internal static int SendFrame(IEnumerable<IWsConnection> targets, ReadOnlySpan<byte> frame, IWsConnection? except)
    {
        int sent = 0;
        foreach (var c in targets)
        {
            if (!ReferenceEquals(c, except) && c is WsConnection connection && connection.EnqueueFrame(frame))
            {
                sent++;
            }
        }

        return sent;
    }
}
