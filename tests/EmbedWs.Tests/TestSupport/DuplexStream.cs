using System.IO;
using System.IO.Pipelines;
using System.Threading;

namespace EmbedWs.Tests.TestSupport;

// One end of an in-memory duplex connection: what one end writes the other reads. Disposing an
// end completes its writing side, so the other end's reads return 0 (a FIN). For
// WsServer.AcceptAsync tests: a connection without a socket.
internal sealed class DuplexStream : Stream
{
    private readonly Stream _reading;
    private readonly Stream _writing;
    private int _disposed;

    private DuplexStream(Pipe input, Pipe output)
    {
        _reading = input.Reader.AsStream();
        _writing = output.Writer.AsStream();
    }

    // Two connected ends: (server's, client's).
    public static (DuplexStream Server, DuplexStream Client) CreatePair()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        return (new DuplexStream(toServer, toClient), new DuplexStream(toClient, toServer));
    }

    // Bytes written to this end so far (counted for tests that look at batching).
    public int Writes { get; private set; }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _reading.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _reading.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => _reading.Read(buffer, offset, count);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Writes++;
        await _writing.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, default).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => _writing.FlushAsync(cancellationToken);

    public override void Flush() => _writing.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _writing.Dispose();
            _reading.Dispose();
        }

        base.Dispose(disposing);
    }
}
