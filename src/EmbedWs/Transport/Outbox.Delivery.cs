using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Protocol;

namespace EmbedWs.Transport;

/// <summary>What became of a send that was not reliable.</summary>
internal enum DeliveryResult
{
    /// <summary>Not queued: the connection no longer sends.</summary>
    Refused,

    /// <summary>Not queued: the connection is congested (droppable), or the message would pass the hard limit.</summary>
    Dropped,

    /// <summary>Queued.</summary>
    Queued,

    /// <summary>Queued, and the older message with the same key was taken out of the queue.</summary>
    Replaced,
}

// The delivery classes (docs/sending.md): droppable and latest-by-key frames go through the same
// queue as reliable ones. Reliable sends take Write(frame) unchanged; only these pay for the key
// table. A replaced frame is not cut out of the queue at once (that would move every byte behind
// it): its bytes are marked dead and leave the count, and the queue is compacted in one pass when
// the dead bytes outweigh the live ones, or before the flush loop takes the queue. Frames already
// handed to the socket (taken by the flush loop) are never touched.
internal sealed partial class Outbox
{
    private readonly int _softQueueBytes;

    // The latest-by-key frames waiting in _pending, in queue order (so also in offset order); a
    // dead one (Live false) was replaced. _keyIndex finds a key's entry. Both exist once a keyed
    // frame was queued; a connection that sends none holds neither.
    private KeyedFrame[]? _keyed;
    private int _keyedCount;
    private Dictionary<DeliveryKey, int>? _keyIndex;
    private int _deadBytes;
    private long _dropped;
    private long _replaced;
    private TaskCompletionSource<bool>? _uncongested;
    private int _compactions;

    /// <summary>Droppable and latest-by-key messages not queued (the connection was congested, or the queue full).</summary>
    public long MessagesDropped => Interlocked.Read(ref _dropped);

    /// <summary>Latest-by-key messages taken out of the queue by a newer one with the same key.</summary>
    public long MessagesReplaced => Interlocked.Read(ref _replaced);

    /// <summary>How often the queue was compacted while it waited; for tests.</summary>
    internal int Compactions => Volatile.Read(ref _compactions);

    /// <summary>The soft mark: above it the connection is congested.</summary>
    public int SoftQueueBytes => _softQueueBytes;

    /// <summary>True while the queued bytes are above the soft mark.</summary>
    public bool IsCongested => QueuedBytes > _softQueueBytes;

    /// <summary>
    /// Queues a frame of a delivery class other than reliable; see <see cref="WsDelivery"/>. The
    /// frame never closes the connection: when it does not fit, it is dropped. It never goes the
    /// direct way (its bytes must stay replaceable until the flush loop takes them).
    /// </summary>
    public DeliveryResult Write(in OutgoingFrame frame, WsDelivery delivery, bool fanOut = false)
    {
        if (delivery.IsReliable)
        {
            return Write(frame, fanOut) ? DeliveryResult.Queued : DeliveryResult.Refused;
        }

        Debug.Assert(frame.IsData, "only data frames have a delivery class");
        int length = frame.Length;
        Admission admission;
        bool replaced = false;
        lock (this)
        {
            if (_closed)
            {
                return DeliveryResult.Refused;
            }

            int live = LiveBytes;
            int old = -1;
            int oldLength = 0;
            if (delivery.Kind == WsDeliveryKind.Latest && _keyIndex is not null && _keyIndex.TryGetValue(DeliveryKey.Of(delivery), out int found))
            {
                old = found;
                oldLength = _keyed![old].Length;
            }

            // A droppable frame waits for an uncongested queue; neither kind may pass the hard
            // limit (a frame still always fits an empty queue, as a reliable one does).
            int before = live - oldLength;
            bool fits = before == 0 || before + length <= _maxQueueBytes;
            if (!fits || (delivery.Kind == WsDeliveryKind.Droppable && live > _softQueueBytes))
            {
                Interlocked.Increment(ref _dropped);
                return DeliveryResult.Dropped;
            }

            admission = Admit(length, mayPassLimit: true);
            int offset = _pendingLength - length;
            frame.WriteTo(_pending.AsSpan(offset, length));
            Interlocked.Increment(ref _messagesSent);
            if (delivery.Kind == WsDeliveryKind.Latest)
            {
                if (old >= 0)
                {
                    _keyed![old].Live = false;
                    _deadBytes += oldLength;
                    replaced = true;
                    Interlocked.Increment(ref _replaced);
                }

                AddKeyed(DeliveryKey.Of(delivery), offset, length);
                if (_deadBytes > 4096 && _deadBytes > _pendingLength - _deadBytes)
                {
                    Compact();
                }

                // A smaller replacement may bring the queue back under the soft mark.
                NotifyUncongested();
            }
        }

        switch (admission)
        {
            case Admission.QueuedStartFlush when fanOut:
                ThreadPool.UnsafeQueueUserWorkItem(s_flushOnPool, this);
                break;
            case Admission.QueuedStartFlush:
                _ = FlushLoopAsync();
                break;
        }

        return replaced ? DeliveryResult.Replaced : DeliveryResult.Queued;
    }

    /// <summary>
    /// Completes with true once the queued bytes are at or under the soft mark (at once when they
    /// are), with false when the connection ended first.
    /// </summary>
    public Task<bool> WhenUncongestedAsync()
    {
        lock (this)
        {
            if (_terminated || _failed)
            {
                return s_false;
            }

            if (LiveBytes <= _softQueueBytes)
            {
                return s_true;
            }

            _uncongested ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _uncongested.Task;
        }
    }

    // Queued bytes that will be sent: the queue less its replaced frames, and what is being written.
    private int LiveBytes => _pendingLength - _deadBytes + _writingLength;

    /// <summary>Under the lock, when bytes left the queue or the connection ended: wakes the waiters of <see cref="WhenUncongestedAsync"/>.</summary>
    private void NotifyUncongested()
    {
        if (_uncongested is { } waiting && (_terminated || _failed || LiveBytes <= _softQueueBytes))
        {
            _uncongested = null;
            waiting.TrySetResult(!(_terminated || _failed));
        }
    }

    /// <summary>
    /// Under the lock, before the flush loop (or a direct send) takes the whole queue: the replaced
    /// frames' bytes go, and the keyed frames are no longer replaceable (they are handed to the socket).
    /// </summary>
    private void SealPending()
    {
        if (_deadBytes > 0)
        {
            Compact();
        }

        ForgetKeyed();
    }

    /// <summary>Under the lock: no queued frame is replaceable any more (the queue was taken, or returned).</summary>
    private void ForgetKeyed()
    {
        _deadBytes = 0;
        if (_keyedCount > 0)
        {
            Array.Clear(_keyed!, 0, _keyedCount);
            _keyedCount = 0;
            _keyIndex!.Clear();
        }
    }

    /// <summary>Under the lock: <paramref name="shift"/> bytes were put in front of the queue.</summary>
    private void ShiftKeyed(int shift)
    {
        for (int i = 0; i < _keyedCount; i++)
        {
            _keyed![i].Offset += shift;
        }
    }

    private void AddKeyed(DeliveryKey key, int offset, int length)
    {
        _keyIndex ??= new Dictionary<DeliveryKey, int>();
        _keyed ??= new KeyedFrame[8];
        if (_keyedCount == _keyed.Length)
        {
            Array.Resize(ref _keyed, _keyed.Length * 2);
        }

        _keyed[_keyedCount] = new KeyedFrame { Key = key, Live = true, Offset = offset, Length = length };
        _keyIndex[key] = _keyedCount++;
    }

    /// <summary>
    /// Under the lock: moves the live bytes of the queue over the dead frames' bytes, in one pass
    /// in queue order, and drops the dead entries.
    /// </summary>
    private void Compact()
    {
        var buffer = _pending!;
        int write = 0, read = 0, kept = 0;
        for (int i = 0; i < _keyedCount; i++)
        {
            var entry = _keyed![i];
            if (entry.Live)
            {
                entry.Offset -= read - write;
                _keyed[kept] = entry;
                _keyIndex![entry.Key] = kept++;
                continue;
            }

            // The live bytes before this dead frame move down; the frame itself is skipped.
            int live = entry.Offset - read;
            Buffer.BlockCopy(buffer, read, buffer, write, live);
            write += live;
            read = entry.Offset + entry.Length;
        }

        Buffer.BlockCopy(buffer, read, buffer, write, _pendingLength - read);
        _pendingLength -= read - write;
        Debug.Assert(read - write == _deadBytes, "every dead byte is compacted away");
        Array.Clear(_keyed!, kept, _keyedCount - kept);
        _keyedCount = kept;
        _deadBytes = 0;
        _compactions++;
    }

    private struct KeyedFrame
    {
        public DeliveryKey Key;
        public bool Live;
        public int Offset;
        public int Length;
    }
}
