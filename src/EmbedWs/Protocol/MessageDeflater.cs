using System;
using System.Buffers;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;

namespace EmbedWs.Protocol;

/// <summary>
/// The send side of permessage-deflate (RFC 7692 §7.2.1): compresses one whole message into a
/// frame with RSV1 set, ending the message with a sync flush and removing the flush's
/// 00 00 FF FF tail. Over the base library's <see cref="DeflateStream"/>, whose Flush is a zlib
/// sync flush (a test checks it). Not thread-safe: its owner serializes the sends.
/// </summary>
internal sealed class MessageDeflater : IDisposable
{
    private static readonly byte[] s_tail = { 0x00, 0x00, 0xFF, 0xFF };

    // The longest server frame header (RFC 6455 §5.2: 2 bytes, a 64-bit length, no mask).
    private const int HeaderRoom = 10;

    private readonly CompressionLevel _level;
    private readonly bool _contextTakeover;
    private readonly FrameOutput _output = new();
    private DeflateStream? _stream;

    private static readonly Lazy<bool> s_syncFlushWorks = new(ProbeSyncFlush);

    /// <summary>
    /// True when this runtime's <see cref="DeflateStream.Flush"/> ends what it wrote with a sync
    /// flush (00 00 FF FF) and the stream goes on after it, as RFC 7692 §7.2.1 needs. The stream is
    /// the runtime's, not this library's (the netstandard2.1 build runs on whatever runtime hosts
    /// it), so it is checked once, where it runs; without it the server never agrees to compression.
    /// </summary>
    public static bool SyncFlushWorks => s_syncFlushWorks.Value;

    /// <param name="level">The zlib level.</param>
    /// <param name="contextTakeover">Keep the compressor's window from one message to the next (§7.1.1.1); otherwise each message starts fresh.</param>
    public MessageDeflater(CompressionLevel level, bool contextTakeover)
    {
        _level = level;
        _contextTakeover = contextTakeover;
    }

    /// <summary>True while zlib state is held: with context takeover, from the first compressed message to <see cref="Dispose"/>.</summary>
    public bool IsActive => _stream is not null;

    /// <summary>
    /// Compresses <paramref name="payload"/> (not empty) into a whole frame, header included, in a
    /// buffer rented from the shared pool (return <c>frame.Array</c> to it). Returns false, with no
    /// buffer, when the result would not be smaller and the message may as well go plain (only
    /// without context takeover: with it, the peer's window must see every message).
    /// </summary>
    public bool TryCompress(WsOpcode opcode, ReadOnlySpan<byte> payload, out ArraySegment<byte> frame)
    {
        Debug.Assert(!payload.IsEmpty, "an empty message is sent plain");
        _output.Begin(HeaderRoom, payload.Length / 2 + 64);
        _stream ??= new DeflateStream(_output, _level, leaveOpen: true);
        _stream.Write(payload);
        _stream.Flush();
        byte[] buffer = _output.Take(out int written);
        if (!_contextTakeover)
        {
            Release();
        }

        int compressed = written - HeaderRoom - s_tail.Length;
        Debug.Assert(compressed >= 0 && buffer.AsSpan(written - s_tail.Length, s_tail.Length).SequenceEqual(s_tail), "a sync flush ends with 00 00 FF FF");
        if (!_contextTakeover && compressed >= payload.Length)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            frame = default;
            return false;
        }

        // The header goes right before the payload, in the room kept for the longest one.
        int headerSize = FrameWriter.HeaderSize(compressed);
        int start = HeaderRoom - headerSize;
        FrameWriter.WriteHeader(buffer.AsSpan(start), opcode, fin: true, compressed);
        buffer[start] |= 0x40; // RSV1: this message is compressed (RFC 7692 §6).
        frame = new ArraySegment<byte>(buffer, start, headerSize + compressed);
        return true;
    }

    /// <summary>Drops the zlib state.</summary>
    public void Dispose() => Release();

    private static bool ProbeSyncFlush()
    {
        try
        {
            var output = new MemoryStream();
            using var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true);
            deflate.Write(s_tail, 0, s_tail.Length);
            deflate.Flush();
            long first = output.Length;
            deflate.Write(s_tail, 0, s_tail.Length);
            deflate.Flush();
            var bytes = output.ToArray();
            return first >= 4 && bytes.Length > first
                && bytes.AsSpan((int)first - 4, 4).SequenceEqual(s_tail)
                && bytes.AsSpan(bytes.Length - 4).SequenceEqual(s_tail);
        }
        catch (Exception ex) when (ex is NotSupportedException or PlatformNotSupportedException or DllNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private void Release()
    {
        if (_stream is not null)
        {
            // Disposing writes the final block; nobody wants it.
            _output.Discard();
            _stream.Dispose();
            _stream = null;
        }

        _output.Discard();
    }

    /// <summary>A write-only stream into a pooled buffer that keeps room for the frame header in front.</summary>
    private sealed class FrameOutput : Stream
    {
        private byte[]? _buffer;
        private int _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public void Begin(int headerRoom, int expected)
        {
            _buffer ??= ArrayPool<byte>.Shared.Rent(Math.Max(256, headerRoom + expected));
            _length = headerRoom;
        }

        public byte[] Take(out int length)
        {
            var buffer = _buffer!;
            length = _length;
            _buffer = null;
            _length = 0;
            return buffer;
        }

        /// <summary>Forgets what is written, keeping no buffer; later writes (a final block) are dropped.</summary>
        public void Discard()
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }

            _length = 0;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_buffer is null)
            {
                return;
            }

            if (_buffer.Length - _length < buffer.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_length + buffer.Length, _buffer.Length * 2));
                _buffer.AsSpan(0, _length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }

            buffer.CopyTo(_buffer.AsSpan(_length));
            _length += buffer.Length;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
