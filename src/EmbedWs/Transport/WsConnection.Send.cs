using System;
using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Protocol;

namespace EmbedWs.Transport;

internal sealed partial class WsConnection
{
    // Everything that leaves goes through Enqueue into _pending, and one flush loop at a time
    // writes it: frames never interleave, and all frames queued while a write was in progress go
    // out together in the next single write.
    private readonly object _sendLock = new();
    private byte[]? _pending;
    private int _pendingLength;
    private int _writingLength;
    private bool _flushing;
    private bool _sendClosed;
    private bool _terminated;
    private bool _batching;
    private bool _flushDeferred;
    private static readonly WaitCallback s_flushOnPool = state => _ = ((WsConnection)state!).FlushLoopAsync();
    private TaskCompletionSource<bool>? _drained;

    public ValueTask<bool> SendAsync(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        return new ValueTask<bool>(Enqueue(WsOpcode.Text, default, text));
    }

    public ValueTask<bool> SendAsync(ReadOnlyMemory<byte> data)
    {
        if (data.Length >= DirectSendMinimum && _plainSocket is not null && MemoryMarshal.TryGetArray(data, out var array))
        {
            bool? sent = TrySendDirect(array);
            if (sent.HasValue)
            {
                return new ValueTask<bool>(sent.Value);
            }
        }

        return new ValueTask<bool>(Enqueue(WsOpcode.Binary, data.Span, null));
    }

    /// <summary>Bytes queued or being written; for tests and metrics.</summary>
    internal int QueuedBytes
    {
        get
        {
            lock (_sendLock)
            {
                return _pendingLength + _writingLength;
            }
        }
    }

    /// <summary>
    /// Queues one frame: the payload is <paramref name="text"/> as UTF-8 when given, else
    /// <paramref name="payload"/>. False when the connection no longer sends or the queue is full.
    /// </summary>
    internal bool Enqueue(WsOpcode opcode, ReadOnlySpan<byte> payload, string? text)
        => text is null ? Enqueue(opcode, payload, default, isText: false) : Enqueue(opcode, default, text.AsSpan(), isText: true);

    /// <summary>
    /// Queues a text message from characters (encoded to UTF-8 straight into the queue): routing
    /// writes its replies into a pooled buffer, not a string. False as for <see cref="Enqueue(WsOpcode, ReadOnlySpan{byte}, string?)"/>.
    /// </summary>
    internal bool EnqueueText(ReadOnlySpan<char> text) => Enqueue(WsOpcode.Text, default, text, isText: true);

    private bool Enqueue(WsOpcode opcode, ReadOnlySpan<byte> payload, ReadOnlySpan<char> text, bool isText)
    {
        int payloadLength = isText ? Encoding.UTF8.GetByteCount(text) : payload.Length;
        int frameLength = FrameWriter.HeaderSize(payloadLength) + payloadLength;
        Admission admission;
        lock (_sendLock)
        {
            // Only the close frame may pass a full queue: a client that floods pings and never
            // reads must not grow the queue with pongs.
            admission = Admit(frameLength, mayPassLimit: opcode == WsOpcode.Close);
            if (admission >= Admission.Queued)
            {
                var dest = _pending.AsSpan(_pendingLength - frameLength, frameLength);
                int h = FrameWriter.WriteHeader(dest, opcode, fin: true, payloadLength);
                if (isText)
                {
                    Encoding.UTF8.GetBytes(text, dest.Slice(h));
                }
                else
                {
                    payload.CopyTo(dest.Slice(h));
                }

                _sendClosed = opcode == WsOpcode.Close;
                if (opcode is WsOpcode.Text or WsOpcode.Binary)
                {
                    Interlocked.Increment(ref _messagesSent);
                }
            }
        }

        return Complete(admission);
    }

    /// <summary>Queues a data frame that was encoded once for many connections (broadcast, groups).</summary>
    internal bool EnqueueFrame(ReadOnlySpan<byte> frame)
    {
        Admission admission;
        lock (_sendLock)
        {
            admission = Admit(frame.Length, mayPassLimit: false);
            if (admission >= Admission.Queued)
            {
                frame.CopyTo(_pending.AsSpan(_pendingLength - frame.Length));
                Interlocked.Increment(ref _messagesSent);
            }
        }

        return Complete(admission, writeInline: false);
    }

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
        if (_sendClosed)
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

    /// <summary>
    /// While the read loop processes one read, sends only queue; <see cref="EndBatch"/> then
    /// starts one write for all of them.
    /// </summary>
    // No lock: a sender that read false a moment ago just starts its own write, which is fine;
    // EndBatch takes the lock because it must see every deferred flush.
    private void BeginBatch() => Volatile.Write(ref _batching, true);

    private void EndBatch()
    {
        lock (_sendLock)
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

    /// <summary>Outside the lock: starts the writer, or acts on a full queue.</summary>
    private bool Complete(Admission admission, bool writeInline = true)
    {
        switch (admission)
        {
            case Admission.QueuedStartFlush when writeInline:
                _ = FlushLoopAsync();
                return true;
            case Admission.QueuedStartFlush:
                // A broadcast queues to many connections: write from the pool, so the sender
                // goes on and each connection's frames that pile up meanwhile leave together.
                ThreadPool.UnsafeQueueUserWorkItem(s_flushOnPool, this);
                return true;
            case Admission.Queued:
                return true;
            case Admission.Full:
                _settings.Metrics?.SendQueueDropped();
                OnSlowConsumer();
                return false;
            default:
                return false;
        }
    }

    /// <summary>Completes when everything queued so far was written (or the connection ended).</summary>
    private Task WhenDrainedAsync()
    {
        lock (_sendLock)
        {
            if (!_flushing && _pendingLength == 0)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    // A frame always fits an empty queue, so one message larger than the limit can still be sent.
    private bool IsFull(int frameLength)
    {
        int queued = _pendingLength + _writingLength;
        return queued > 0 && queued + frameLength > _settings.MaxSendQueueBytes;
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
            lock (_sendLock)
            {
                if (_pendingLength == 0 || _terminated)
                {
                    EndFlush();
                    return;
                }

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
            lock (_sendLock)
            {
                _writingLength = 0;
            }
        }
    }

    /// <summary>A write failed: the connection is lost; nothing more is sent.</summary>
    private void WriteFailed(byte[] chunk, string reason)
    {
        TransportLog.IoEnded(_logger, Id, reason);
        ArrayPool<byte>.Shared.Return(chunk);
        lock (_sendLock)
        {
            _writingLength = 0;
            _sendClosed = true;
            EndFlush();
        }

        SetCloseInfo(WsCloseCodes.AbnormalClosure, string.Empty, WsCloseCause.ConnectionLost);
        Drop();
    }

    /// <summary>Called under the lock when the loop stops: an idle connection holds no send buffer.</summary>
    private void EndFlush()
    {
        _flushing = false;
        if (_pending is not null && (_pendingLength == 0 || _terminated))
        {
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = null;
            _pendingLength = 0;
        }

        _drained?.TrySetResult(true);
        _drained = null;
    }

    private void OnSlowConsumer()
    {
        TransportLog.SlowConsumer(_logger, Id, Info.RemoteEndPoint, _settings.MaxSendQueueBytes);
        StartClose(WsCloseCodes.PolicyViolation, "slow consumer", WsCloseCause.SlowConsumer);
    }
}
