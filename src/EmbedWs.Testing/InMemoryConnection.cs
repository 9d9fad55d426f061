using System;
using System.IO;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace EmbedWs.Testing;

/// <summary>
/// One end of an in-memory duplex connection: what one end writes, the other reads, in order.
/// Each write is copied into one chunk (the writer may reuse its buffer at once). Ending an end
/// (<see cref="Complete"/> or Dispose) makes the other end's reads return 0, as a FIN would.
/// Unbounded: a reader that does not read never holds the writer back.
/// </summary>
internal sealed class InMemoryConnection : Stream
{
    private readonly Channel<byte[]> _incoming;
    private readonly Channel<byte[]> _outgoing;
    private byte[]? _current;
    private int _offset;

    private InMemoryConnection(Channel<byte[]> incoming, Channel<byte[]> outgoing)
    {
        _incoming = incoming;
        _outgoing = outgoing;
    }

    /// <summary>Two connected ends: (the server's, the client's).</summary>
    public static (InMemoryConnection Server, InMemoryConnection Client) CreatePair()
    {
        var toServer = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        var toClient = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        return (new InMemoryConnection(toServer, toClient), new InMemoryConnection(toClient, toServer));
    }

    /// <summary>Ends this end's writing: the other end reads 0 once it has read everything before.</summary>
    public void Complete() => _outgoing.Writer.TryComplete();

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_current is null && !_incoming.Reader.TryPeek(out _))
        {
            if (!await _incoming.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }
        }

        // A zero-byte read waits for data without taking any (the server's idle read does so).
        // Otherwise everything queued that fits is read at once, as a socket read takes what
        // arrived: many small writes cost one read.
        int filled = 0;
        while (filled < buffer.Length)
        {
            if (_current is null)
            {
                if (!_incoming.Reader.TryRead(out var chunk))
                {
                    break;
                }

                _current = chunk;
                _offset = 0;
            }

            int n = Math.Min(buffer.Length - filled, _current.Length - _offset);
            _current.AsMemory(_offset, n).CopyTo(buffer.Slice(filled));
            _offset += n;
            filled += n;
            if (_offset == _current.Length)
            {
                _current = null;
            }
        }

        return filled;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, default).GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length > 0 && !_outgoing.Writer.TryWrite(buffer.ToArray()))
        {
            throw new IOException("The connection was closed.");
        }

        return default;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Complete();
        }

        base.Dispose(disposing);
    }
}
