using System;
using System.Buffers;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Protocol;

namespace EmbedWs.Transport;

/// <summary>
/// One connection's send side: every frame (data, broadcast, ping, pong, close) goes through
/// <see cref="Write(in OutgoingFrame, bool)"/>, the one write primitive, into one queue; one flush loop at a time writes
/// the queue to the socket. So frames never interleave, and every frame queued while a write was
/// in progress leaves together in the next single write. Safe from any thread.
/// </summary>
/// <remarks>
/// Inside the primitive: while the read loop processes one read it holds a batch
/// (<see cref="BeginBatch"/>), so everything sent meanwhile leaves in one write at
/// <see cref="EndBatch"/>; on a plain socket the queue is first offered with one non-blocking send
/// (<c>Outbox.Direct.cs</c>), and a large binary payload goes to the socket from the caller's memory.
/// </remarks>
internal sealed partial class Outbox : IControlFrameSink
{
    private static readonly WaitCallback s_flushOnPool = state => _ = ((Outbox)state!).FlushLoopAsync();

    // The outbox locks itself (an internal type nobody else can lock): no lock object per connection.
    private readonly Stream _stream;
    private readonly IOutboxOwner _owner;
    private readonly int _maxQueueBytes;
    private byte[]? _pending;
    private int _pendingLength;
    private int _writingLength;
    private bool _flushing;
    private bool _closed;
    private bool _terminated;
    private bool _failed;
    private bool _batching;
    private bool _flushDeferred;
    private TaskCompletionSource<bool>? _drained;
    private long _messagesSent;
    private long _bytesSent;

    /// <param name="stream">Where bytes are written.</param>
    /// <param name="plainSocket">The socket under <paramref name="stream"/> when nothing (TLS) sits between them: writes may go to it directly.</param>
    /// <param name="maxQueueBytes">MaxSendQueueBytes.</param>
    /// <param name="owner">Told of a full queue and of a failed write.</param>
    /// <param name="softQueueBytes">The soft mark (SendQueueSoftLimitBytes): above it the connection is congested.</param>
    public Outbox(Stream stream, Socket? plainSocket, int maxQueueBytes, IOutboxOwner owner, int softQueueBytes)
    {
        _stream = stream;
        _plainSocket = plainSocket;
        _maxQueueBytes = maxQueueBytes;
        _softQueueBytes = softQueueBytes;
        _owner = owner;
    }

    /// <summary>Bytes queued or being written.</summary>
    public int QueuedBytes
    {
        get
        {
            lock (this)
            {
                return LiveBytes;
            }
        }
    }

    /// <summary>Data messages queued so far.</summary>
    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    /// <summary>Bytes handed to the socket so far.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>
    /// The one write primitive: queues <paramref name="frame"/> and makes sure a write follows.
    /// False when the connection no longer sends (a close frame was queued) or the queue is full
    /// (then the owner closes the connection as a slow consumer). A close frame passes a full
    /// queue and is the last frame.
    /// </summary>
    /// <param name="frame">The frame.</param>
    /// <param name="fanOut">
    /// True for a frame sent to many connections (broadcast, group): its write starts on the
    /// thread pool, so the sender goes on at once and frames that pile up meanwhile leave together.
    /// </param>
    public bool Write(in OutgoingFrame frame, bool fanOut = false)
    {
        if (frame.IsDirectCandidate && _plainSocket is not null && TrySendDirect(frame.Array) is { } sent)
        {
            return sent;
        }

        int length = frame.Length;
        Admission admission;
        lock (this)
        {
            admission = Admit(length, mayPassLimit: frame.Opcode == WsOpcode.Close);
            if (admission >= Admission.Queued)
            {
                frame.WriteTo(_pending.AsSpan(_pendingLength - length, length));
                _closed = frame.Opcode == WsOpcode.Close;
                if (frame.IsData)
                {
                    Interlocked.Increment(ref _messagesSent);
                }
            }
        }

        switch (admission)
        {
            case Admission.QueuedStartFlush when fanOut:
                ThreadPool.UnsafeQueueUserWorkItem(s_flushOnPool, this);
                return true;
            case Admission.QueuedStartFlush:
                _ = FlushLoopAsync();
                return true;
            case Admission.Queued:
                return true;
            case Admission.Full:
                _owner.OnSendQueueFull();
                return false;
            default:
                return false;
        }
    }

    /// <inheritdoc/>
    void IControlFrameSink.SendControl(WsOpcode opcode, ReadOnlySpan<byte> payload) => Write(OutgoingFrame.Of(opcode, payload));

    /// <summary>
    /// While the read loop processes one read, sends only queue; <see cref="EndBatch"/> then
    /// starts one write for all of them.
    /// </summary>
    // No lock: a sender that read false a moment ago just starts its own write, which is fine;
    // EndBatch takes the lock because it must see every deferred flush.
    public void BeginBatch() => Volatile.Write(ref _batching, true);

    /// <summary>Ends the batch and starts the write of what it queued.</summary>
    public void EndBatch()
    {
        lock (this)
        {
            _batching = false;
            if (!_flushDeferred)
            {
                return;
            }

            _flushDeferred = false;
            if (_flushing || _pendingLength == 0)
            {
                return;
            }

            _flushing = true;
        }

        _ = FlushLoopAsync();
    }

    /// <summary>
    /// Completes with true when everything queued so far was handed to the socket, with false when
    /// the connection ended (or a write failed) first.
    /// </summary>
    public Task<bool> WhenDrainedAsync()
    {
        lock (this)
        {
            if (!_flushing && _pendingLength == 0)
            {
                return _failed ? s_false : s_true;
            }

            _drained ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    /// <summary>The connection ended: nothing more is sent, and the queue's buffer goes back to the pool.</summary>
    public void Terminate()
    {
        lock (this)
        {
            _closed = true;
            _terminated = true;
            if (!_flushing)
            {
                EndFlush();
            }
        }
    }

    private static readonly Task<bool> s_true = Task.FromResult(true);
    private static readonly Task<bool> s_false = Task.FromResult(false);

    private enum Admission
    {
        Refused,
        Full,
        Queued,
        QueuedStartFlush,
    }

    /// <summary>Under the lock: decides, and reserves <paramref name="frameLength"/> bytes at the end of the queue when admitted.</summary>
    private Admission Admit(int frameLength, bool mayPassLimit)
    {
        if (_closed)
        {
            return Admission.Refused;
        }

        if (!mayPassLimit && IsFull(frameLength))
        {
            return Admission.Full;
        }

        Reserve(frameLength);
        if (_flushing)
        {
            return Admission.Queued;
        }

        if (_batching)
        {
            _flushDeferred = true;
            return Admission.Queued;
        }

        _flushing = true;
        return Admission.QueuedStartFlush;
    }

    // A frame always fits an empty queue, so one message larger than the limit can still be sent.
    private bool IsFull(int frameLength)
    {
        int queued = LiveBytes;
        return queued > 0 && queued + frameLength > _maxQueueBytes;
    }

    private void Reserve(int length)
    {
        int needed = _pendingLength + length;
        if (_pending is null || _pending.Length < needed)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(4096, (_pending?.Length ?? 0) * 2)));
            if (_pending is not null)
            {
                Buffer.BlockCopy(_pending, 0, bigger, 0, _pendingLength);
                ArrayPool<byte>.Shared.Return(_pending);
            }

            _pending = bigger;
        }

        _pendingLength = needed;
    }

    private async Task FlushLoopAsync()
    {
        while (true)
        {
            byte[] chunk;
            int length;
            lock (this)
            {
                if (_pendingLength == 0 || _terminated)
                {
                    EndFlush();
                    return;
                }

                SealPending();
                chunk = _pending!;
                length = _pendingLength;
                _pending = null;
                _pendingLength = 0;
                _writingLength = length;
            }

            // On a plain socket, first offer the bytes without waiting: the socket usually takes
            // them all, and the stream's asynchronous machinery is only needed for what it did not.
            int sent = 0;
            if (_plainSocket is not null)
            {
                sent = SendNow(chunk, length, out var error);
                if (sent < 0)
                {
                    WriteFailed(chunk, error.ToString());
                    return;
                }
            }

            try
            {
                if (sent < length)
                {
                    await _stream.WriteAsync(chunk.AsMemory(sent, length - sent), default).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                WriteFailed(chunk, ex.Message);
                return;
            }

            ArrayPool<byte>.Shared.Return(chunk);
            Interlocked.Add(ref _bytesSent, length);
            lock (this)
            {
                _writingLength = 0;
                NotifyUncongested();
            }
        }
    }

    /// <summary>A write failed: nothing more is sent, and the owner ends the connection.</summary>
    private void WriteFailed(byte[] chunk, string reason)
    {
        ArrayPool<byte>.Shared.Return(chunk);
        lock (this)
        {
            _writingLength = 0;
            _closed = true;
            _failed = true;
            EndFlush();
        }

        _owner.OnWriteFailed(reason);
    }

    /// <summary>Called under the lock when the loop stops: an idle connection holds no send buffer.</summary>
    private void EndFlush()
    {
        _flushing = false;
        bool lost = _failed || (_terminated && _pendingLength > 0);
        if (_pending is not null && (_pendingLength == 0 || _terminated))
        {
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = null;
            _pendingLength = 0;
            ForgetKeyed();
        }

        _drained?.TrySetResult(!lost);
        NotifyUncongested();
        _drained = null;
    }
}

/// <summary>What an <see cref="Outbox"/> tells its connection.</summary>
internal interface IOutboxOwner
{
    /// <summary>A send found the queue over MaxSendQueueBytes: the client does not read.</summary>
    void OnSendQueueFull();

    /// <summary>A write to the socket failed: the connection is lost.</summary>
    void OnWriteFailed(string reason);
}
