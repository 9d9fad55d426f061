using System;
using System.Buffers;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Transport;

/// <summary>
/// The stream of a connection whose handshake another HTTP server did (a mount): the other
/// server's duplex stream, plus the one thing a socket gives the pump and a stream does not, a way
/// to end it. <see cref="End"/> is the mount's "shutdown send" (RFC 6455 §7.1.1: the server ends
/// the connection first): the pending read returns 0, so the read loop ends and the other server
/// then finishes the request (a FIN over HTTP/1.1, END_STREAM over HTTP/2). Every write is
/// flushed: the other server may buffer, and the outbox's one write is a whole batch already.
/// The inner stream is not disposed: the other server owns it.
/// </summary>
internal sealed class MountedStream : Stream
{
    // How long a client still writing after the server's close may send before the other server
    // ends the connection anyway: as long as the listener lingers on a refused handshake. A pause
    // of QuietTime ends it sooner: a client that has answered the close with its own waits for
    // the server to end TCP (§7.1.1), and sends nothing more.
    private const int DrainMilliseconds = 1000;
    private const int QuietMilliseconds = 200;
    private const long MaxDrainBytes = 16L * 1024 * 1024;

    private readonly Stream _inner;
    private readonly CancellationTokenSource _end = new();
    private volatile bool _drain;

    public MountedStream(Stream inner) => _inner = inner;

    /// <summary>
    /// Ends the connection: pending and later reads return 0, pending writes are cancelled. With
    /// <paramref name="drain"/> (the client's close has not arrived, so it may still be writing),
    /// <see cref="DrainAsync"/> reads what it sends before the other server ends the connection.
    /// </summary>
    public void End(bool drain = false)
    {
        _drain |= drain;
        try
        {
            _end.Cancel();
        }
        catch (AggregateException)
        {
            // A callback of the other server's read threw while cancelling; the connection ends anyway.
        }
    }

    /// <summary>
    /// After the connection's end, when <see cref="End"/> asked for it: reads and drops what the
    /// client still sends, until it ends its side or pauses, for at most a second. The listener reads after
    /// its FIN in the same way; a mount cannot half-close (the other server ends the whole
    /// connection when the request completes), and ending it with bytes unread would make the
    /// client's TCP reset it, which can destroy the close frame before the client reads it.
    /// </summary>
    public async Task DrainAsync()
    {
        if (!_drain)
        {
            return;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var linger = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();
            long total = 0;
            while (total < MaxDrainBytes)
            {
                long left = DrainMilliseconds - clock.ElapsedMilliseconds;
                if (left <= 0)
                {
                    break;
                }

                linger.CancelAfter((int)Math.Min(left, QuietMilliseconds));
                int n = await _inner.ReadAsync(scratch.AsMemory(), linger.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The second is over, or the client reset or the other server ended the connection.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_end.IsCancellationRequested)
        {
            return new ValueTask<int>(0);
        }

        var read = _inner.ReadAsync(buffer, _end.Token);
        return read.IsCompletedSuccessfully ? read : AwaitReadAsync(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _inner.WriteAsync(buffer, _end.Token).ConfigureAwait(false);
        await _inner.FlushAsync(_end.Token).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(_end.Token);

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, default).GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, default).GetAwaiter().GetResult();

    public override void Flush() => FlushAsync(default).GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Dropping the connection (Abort, a dead peer): ends it; the other server owns the inner stream.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            End();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> AwaitReadAsync(ValueTask<int> read)
    {
        try
        {
            return await read.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_end.IsCancellationRequested)
        {
            return 0;
        }
    }
}
