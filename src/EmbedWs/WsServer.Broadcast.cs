using System;
using System.Buffers;
using System.Collections.Concurrent;
using EmbedWs.Json;
using EmbedWs.Protocol;
using EmbedWs.Transport;

namespace EmbedWs;

public sealed partial class WsServer
{
    /// <summary>
    /// Queues a text message to every open connection (except <paramref name="except"/>). The
    /// frame is encoded once. Returns how many connections it was queued to.
    /// </summary>
    /// <param name="text">The message.</param>
    /// <param name="except">A connection to leave out, typically the sender; null for none.</param>
    public int Broadcast(string text, IWsConnection? except = null) =>
        SendToAll(text ?? throw new ArgumentNullException(nameof(text)), default, except);

    /// <summary>Queues a binary message to every open connection (except <paramref name="except"/>); as the text overload.</summary>
    /// <param name="data">The message.</param>
    /// <param name="except">A connection to leave out; null for none.</param>
    public int Broadcast(ReadOnlyMemory<byte> data, IWsConnection? except = null) => SendToAll(null, data.Span, except);

    /// <summary>
    /// Queues the JSON message <c>{"type":type,"data":data}</c> to every open connection (except
    /// <paramref name="except"/>), serialized and encoded once. Returns how many it was queued to.
    /// </summary>
    /// <param name="type">The message type, e.g. <c>game.reset</c>.</param>
    /// <param name="data">The payload; null sends <c>"data":null</c>.</param>
    /// <param name="except">A connection to leave out; null for none.</param>
    public int BroadcastJson(string type, object? data, IWsConnection? except = null) => BroadcastJsonCore(type, data, default, except);

    private int BroadcastJsonCore(string type, object? data, WsDelivery delivery, IWsConnection? except)
    {
        var backplane = _backplane;
        if (_connections.IsEmpty && backplane is null)
        {
            return 0;
        }

        byte[] frame = RentJsonFrame(type, data, out int length);
        try
        {
            backplane?.PublishToAll(frame.AsSpan(0, length), delivery);
            return SendFrame(_connections, frame.AsSpan(0, length), except, delivery);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>
    /// Serializes <c>{"type":...,"data":...}</c> with the server's serializer and encodes it as one
    /// text frame, for any number of sends; return the array to <c>ArrayPool&lt;byte&gt;.Shared</c>.
    /// </summary>
    internal byte[] RentJsonFrame(string type, object? data, out int length)
    {
        CheckJsonType(type);
        var buffer = PooledByteWriter.Rent();
        try
        {
            (_settings?.JsonSerializer ?? _options.JsonSerializer).WriteMessage(buffer, type, null, data);
            return FrameWriter.RentFrame(WsOpcode.Text, buffer.Written, out length);
        }
        finally
        {
            PooledByteWriter.Return(buffer);
        }
    }

    /// <summary>Queues one JSON message to one connection, from the thread's pooled buffer: no string is made.</summary>
    internal bool SendJson(ServerConnection connection, string type, object? data, WsDelivery delivery = default)
    {
        CheckJsonType(type);
        var buffer = PooledByteWriter.Rent();
        try
        {
            _settings!.JsonSerializer.WriteMessage(buffer, type, null, data);
            return connection.SendText(buffer.Written, delivery);
        }
        finally
        {
            PooledByteWriter.Return(buffer);
        }
    }

    private static void CheckJsonType(string type)
    {
        if (string.IsNullOrEmpty(type))
        {
            throw new ArgumentException("A JSON message needs a type.", nameof(type));
        }
    }

    private int SendToAll(string? text, ReadOnlySpan<byte> binary, IWsConnection? except, WsDelivery delivery = default)
    {
        var backplane = _backplane;
        if (_connections.IsEmpty && backplane is null)
        {
            return 0;
        }

        byte[] frame = FrameWriter.RentFrame(text, binary, out int length);
        try
        {
            // Other nodes get the same encoded frame; this node's own connections get it here, with no round trip.
            backplane?.PublishToAll(frame.AsSpan(0, length), delivery);
            return SendFrame(_connections, frame.AsSpan(0, length), except, delivery);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Queues one encoded frame to each of <paramref name="targets"/>; returns how many took it.</summary>
    internal static int SendFrame(ConcurrentDictionary<long, ServerConnection> targets, ReadOnlySpan<byte> frame, IWsConnection? except, WsDelivery delivery = default)
    {
        // The dictionary's own enumerator: no lock and no copy of the table (Values would take both).
        // Connections that compress without context takeover share one compressed frame, made once.
        int sent = 0;
        var compressed = default(SharedCompressedFrame);
        try
        {
            foreach (var pair in targets)
            {
                var c = pair.Value;
                if (!ReferenceEquals(c, except) && c.Transport.SendShared(frame, ref compressed, delivery))
                {
                    sent++;
                }
            }
        }
        finally
        {
            compressed.Dispose();
        }

        return sent;
    }
}
