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
    public ValueTask<int> BroadcastAsync(string text, IWsConnection? except = null) =>
        new(Broadcast(text ?? throw new ArgumentNullException(nameof(text)), default, except));

    /// <summary>Sends a binary message to every open connection (except <paramref name="except"/>); as the text overload.</summary>
    /// <param name="data">The message.</param>
    /// <param name="except">A connection to leave out; null for none.</param>
    public ValueTask<int> BroadcastAsync(ReadOnlyMemory<byte> data, IWsConnection? except = null) =>
        new(Broadcast(null, data.Span, except));

    private int Broadcast(string? text, ReadOnlySpan<byte> binary, IWsConnection? except)
    {
        byte[] frame = FrameWriter.RentFrame(text, binary, out int length);
        try
        {
            return SendFrameToAll(frame.AsSpan(0, length), except);
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
