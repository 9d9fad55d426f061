using System;
using System.IO.Compression;

namespace EmbedWs.Protocol;

/// <summary>
/// One connection's permessage-deflate (RFC 7692): the agreed parameters, the inflater its read
/// loop uses and the deflater its sends use, each created on first use. Without context takeover
/// in a direction, that direction's zlib state lives only while a message is compressed or
/// inflated, so an idle connection holds none; with it, the state stays for the connection's life.
/// </summary>
/// <remarks>
/// The receive side (<see cref="Inflater"/>, <see cref="MessageInflated"/>) belongs to the read
/// loop. The send side (<see cref="TryCompress"/>) must be called under this object's lock, held
/// until the frame is queued: with context takeover, frames must leave in the order they were
/// compressed.
/// </remarks>
internal sealed class PerMessageDeflate : IDisposable
{
    private readonly int _threshold;
    private readonly CompressionLevel _level;
    private MessageInflater? _inflater;
    private MessageDeflater? _deflater;
    private bool _disposed;

    public PerMessageDeflate(DeflateParameters parameters, int threshold, CompressionLevel level)
    {
        Parameters = parameters;
        _threshold = threshold;
        _level = level;
    }

    public DeflateParameters Parameters { get; }

    /// <summary>The read loop's inflater (its zlib state is created with the first compressed message).</summary>
    public MessageInflater Inflater => _inflater ??= new MessageInflater();

    /// <summary>True while zlib state is held for either direction; for tests and measurements.</summary>
    internal bool HoldsState => _inflater is { IsActive: true } || _deflater is { IsActive: true };

    /// <summary>
    /// Whether a message of <paramref name="payloadLength"/> bytes goes compressed: not empty, at
    /// least the threshold, and no longer than the agreed server window allows (§7.1.2.1).
    /// </summary>
    public bool ShouldCompress(int payloadLength) =>
        payloadLength > 0 && payloadLength >= _threshold && payloadLength <= Parameters.MaxCompressedMessage;

    /// <summary>A compressed message was inflated: without client context takeover its zlib state goes (§7.1.1.2).</summary>
    public void MessageInflated()
    {
        if (Parameters.ClientNoContextTakeover)
        {
            _inflater!.Reset();
        }
    }

    /// <summary>
    /// Compresses one message into a whole frame (see <see cref="MessageDeflater.TryCompress"/>).
    /// Call under this object's lock. False when it goes plain instead, or the connection ended.
    /// </summary>
    public bool TryCompress(WsOpcode opcode, ReadOnlySpan<byte> payload, out ArraySegment<byte> frame)
    {
        if (_disposed)
        {
            frame = default;
            return false;
        }

        _deflater ??= new MessageDeflater(_level, contextTakeover: !Parameters.ServerNoContextTakeover);
        return _deflater.TryCompress(opcode, payload, out frame);
    }

    /// <summary>The connection ended: the read loop is done; a sender may still hold the lock, so the deflater goes under it.</summary>
    public void Dispose()
    {
        _inflater?.Dispose();
        lock (this)
        {
            _disposed = true;
            _deflater?.Dispose();
        }
    }
}
