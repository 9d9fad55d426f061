using System;
using System.Runtime.InteropServices;
using EmbedWs.Protocol;

namespace EmbedWs.Transport;

/// <summary>
/// One frame to queue, described rather than built: a payload with an opcode, text to encode as
/// UTF-8, or a frame encoded once for many connections. The outbox writes it straight into its
/// queue, so no frame is built twice.
/// </summary>
internal readonly ref struct OutgoingFrame
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly ReadOnlySpan<char> _text;
    private readonly bool _isText;
    private readonly bool _encoded;

    private OutgoingFrame(WsOpcode opcode, ReadOnlySpan<byte> bytes, ReadOnlySpan<char> text, bool isText, bool encoded, ArraySegment<byte> array)
    {
        Opcode = opcode;
        _bytes = bytes;
        _text = text;
        _isText = isText;
        _encoded = encoded;
        Array = array;
        PayloadLength = isText ? System.Text.Encoding.UTF8.GetByteCount(text) : encoded ? 0 : bytes.Length;
        Length = encoded ? bytes.Length : FrameWriter.HeaderSize(PayloadLength) + PayloadLength;
    }

    public WsOpcode Opcode { get; }

    /// <summary>The whole frame's size in bytes.</summary>
    public int Length { get; }

    public int PayloadLength { get; }

    /// <summary>A text or binary message (counted as a message sent), not a control frame.</summary>
    public bool IsData => Opcode is WsOpcode.Text or WsOpcode.Binary;

    /// <summary>The binary payload's array, when the caller's memory may be written to the socket directly.</summary>
    public ArraySegment<byte> Array { get; }

    /// <summary>A whole frame encoded beforehand (<see cref="Encoded"/>): sent as it is.</summary>
    public bool IsEncoded => _encoded;

    /// <summary>
    /// The payload as bytes (not for an encoded frame): a byte payload as it is, text encoded into
    /// a buffer rented from the shared pool, handed out in <paramref name="rented"/> to be returned.
    /// </summary>
    public ReadOnlySpan<byte> GetPayload(out byte[]? rented)
    {
        rented = null;
        if (!_isText)
        {
            return _bytes;
        }

        rented = System.Buffers.ArrayPool<byte>.Shared.Rent(PayloadLength);
        int n = System.Text.Encoding.UTF8.GetBytes(_text, rented);
        return rented.AsSpan(0, n);
    }

    /// <summary>A binary payload large enough to be worth a direct send from the caller's memory.</summary>
    public bool IsDirectCandidate => Array.Array is not null && Array.Count >= Outbox.DirectSendMinimum;

    /// <summary>A frame with a payload of bytes (binary, ping, pong, close).</summary>
    public static OutgoingFrame Of(WsOpcode opcode, ReadOnlySpan<byte> payload) =>
        new(opcode, payload, default, isText: false, encoded: false, default);

    /// <summary>A binary message from memory the outbox may write directly when it is large.</summary>
    public static OutgoingFrame Binary(ReadOnlyMemory<byte> payload) =>
        new(WsOpcode.Binary, payload.Span, default, isText: false, encoded: false,
            MemoryMarshal.TryGetArray(payload, out var array) ? array : default);

    /// <summary>A text message, encoded to UTF-8 straight into the queue.</summary>
    public static OutgoingFrame Text(ReadOnlySpan<char> text) => new(WsOpcode.Text, default, text, isText: true, encoded: false, default);

    /// <summary>A whole data frame encoded once (broadcast, groups).</summary>
    public static OutgoingFrame Encoded(ReadOnlySpan<byte> frame) =>
        new((WsOpcode)(frame[0] & 0x0F), frame, default, isText: false, encoded: true, default);

    /// <summary>Writes the frame into <paramref name="destination"/>, exactly <see cref="Length"/> bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (_encoded)
        {
            _bytes.CopyTo(destination);
            return;
        }

        int h = FrameWriter.WriteHeader(destination, Opcode, fin: true, PayloadLength);
        if (_isText)
        {
            System.Text.Encoding.UTF8.GetBytes(_text, destination.Slice(h));
        }
        else
        {
            _bytes.CopyTo(destination.Slice(h));
        }
    }
}
