using System;
using System.IO;
using System.IO.Compression;

namespace EmbedWs.Protocol;

/// <summary>
/// The receive side of permessage-deflate (RFC 7692 §7.2.2): raw deflate data fed in chunks as
/// they arrive, inflated into whatever room the caller offers, so the caller bounds the output
/// while it is produced. Sans-I/O over the base library's <see cref="DeflateStream"/>, the only
/// zlib the base library exposes (netstandard2.1 included). Not thread-safe: the read loop's.
/// </summary>
/// <remarks>
/// The zlib state is created with the first compressed message and released by <see cref="Reset"/>.
/// It is never pooled across connections: a DeflateStream cannot be reset, and an inflater that
/// kept another connection's window would let a client's back-references read that client's text.
/// </remarks>
internal sealed class MessageInflater : IDisposable
{
    // §7.2.2: the sender removed the sync flush's empty stored block; it is put back at the end.
    private static readonly byte[] s_tail = { 0x00, 0x00, 0xFF, 0xFF };

    private readonly InputFeed _feed = new();
    private DeflateStream? _stream;

    /// <summary>True while zlib state is held (between the first compressed message and <see cref="Reset"/>).</summary>
    public bool IsActive => _stream is not null;

    /// <summary>The next compressed bytes; inflate them with <see cref="Read"/> until it returns 0.</summary>
    public void SetInput(ReadOnlyMemory<byte> compressed)
    {
        _feed.Input = compressed;
        _stream ??= new DeflateStream(_feed, CompressionMode.Decompress, leaveOpen: true);
    }

    /// <summary>The message ended: feeds the 4 bytes the sender removed (§7.2.2).</summary>
    public void SetEndOfMessage() => SetInput(s_tail);

    /// <summary>
    /// Inflates into <paramref name="output"/>: the bytes produced, 0 once the input given so far
    /// is used up (or the deflate stream ended), -1 when the data is not valid deflate.
    /// </summary>
    public int Read(Span<byte> output)
    {
        try
        {
            return _stream!.Read(output);
        }
        catch (InvalidDataException)
        {
            return -1;
        }
    }

    /// <summary>Drops the zlib state (no context takeover, or the connection's end); the next message starts fresh.</summary>
    public void Reset()
    {
        _stream?.Dispose();
        _stream = null;
        _feed.Input = default;
    }

    public void Dispose() => Reset();

    /// <summary>A read-only stream over the chunk being inflated: what DeflateStream pulls its input from.</summary>
    private sealed class InputFeed : Stream
    {
        public ReadOnlyMemory<byte> Input { get; set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, Input.Length);
            Input.Span.Slice(0, n).CopyTo(buffer);
            Input = Input.Slice(n);
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
