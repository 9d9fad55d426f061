using System;
using System.Buffers;
using System.Net.Sockets;
using System.Threading;
using EmbedWs.Protocol;

namespace EmbedWs.Transport;

// Writes that skip the asynchronous stream on a plain socket: a non-blocking send takes what the
// socket's buffer has room for at once, and only the rest goes the asynchronous way.
internal sealed partial class Outbox
{
    /// <summary>
    /// A binary payload at least this large is offered to the socket straight from the caller's
    /// memory, behind what is queued, in one gathered write: no copy into the queue.
    /// </summary>
    public const int DirectSendMinimum = 8 * 1024;

    [ThreadStatic]
    private static ArraySegment<byte>[]? t_segments;

    private readonly Socket? _plainSocket;

    /// <summary>
    /// When no write is in progress: the queued frames, a binary frame's header and its payload go
    /// to the socket in one non-blocking gathered send, and only what the socket did not take is
    /// copied into the queue (ahead of anything queued meanwhile) for the flush loop. Null when a
    /// write is in progress or the connection no longer sends: the queue decides then.
    /// </summary>
    private bool? TrySendDirect(ArraySegment<byte> payload)
    {
        byte[] chunk;
        int length;
        lock (this)
        {
            if (_closed || _flushing || _terminated)
            {
                return null;
            }

            // The caller is the writer now: frames others queue meanwhile wait behind this one.
            SealPending();
            int headerSize = FrameWriter.HeaderSize(payload.Count);
            Reserve(headerSize);
            FrameWriter.WriteHeader(_pending.AsSpan(_pendingLength - headerSize, headerSize), WsOpcode.Binary, fin: true, payload.Count);
            chunk = _pending!;
            length = _pendingLength;
            _pending = null;
            _pendingLength = 0;
            _writingLength = length + payload.Count;
            _flushing = true;
            Interlocked.Increment(ref _messagesSent);
        }

        var segments = t_segments ??= new ArraySegment<byte>[2];
        segments[0] = new ArraySegment<byte>(chunk, 0, length);
        segments[1] = payload;
        int sent = SendNow(segments, out var error);
        segments[0] = default;
        segments[1] = default;
        if (sent < 0)
        {
            WriteFailed(chunk, error.ToString());
            return true;
        }

        Interlocked.Add(ref _bytesSent, sent);
        int total = length + payload.Count;
        bool startFlush = false;
        lock (this)
        {
            _writingLength = 0;
            if (sent < total && !_terminated)
            {
                // What the socket did not take goes first, then what was queued meanwhile.
                int rest = total - sent;
                int fromChunk = Math.Max(0, length - sent);
                var queue = ArrayPool<byte>.Shared.Rent(Math.Max(4096, rest + _pendingLength));
                chunk.AsSpan(length - fromChunk, fromChunk).CopyTo(queue);
                payload.AsSpan(Math.Max(0, sent - length)).CopyTo(queue.AsSpan(fromChunk));
                if (_pending is not null)
                {
                    _pending.AsSpan(0, _pendingLength).CopyTo(queue.AsSpan(rest));
                    ArrayPool<byte>.Shared.Return(_pending);
                }

                _pending = queue;
                _pendingLength += rest;
                ShiftKeyed(rest);
                startFlush = true;
            }
            else if (_pendingLength > 0 && !_terminated)
            {
                if (_batching)
                {
                    // Queued meanwhile while the read loop batches: EndBatch writes it.
                    _flushing = false;
                    _flushDeferred = true;
                }
                else
                {
                    startFlush = true;
                }
            }
            else
            {
                EndFlush();
            }

            NotifyUncongested();
        }

        ArrayPool<byte>.Shared.Return(chunk);
        if (startFlush)
        {
            _ = FlushLoopAsync();
        }

        return true;
    }

    /// <summary>
    /// One non-blocking send on the plain socket: the bytes it took (0 when its buffer is full),
    /// or -1 when the connection failed.
    /// </summary>
    private int SendNow(ArraySegment<byte>[] segments, out SocketError error)
    {
        try
        {
            MakeNonBlocking();
            int sent = _plainSocket!.Send(segments, SocketFlags.None, out error);
            return error is SocketError.Success or SocketError.WouldBlock ? Math.Max(sent, 0) : -1;
        }
        catch (ObjectDisposedException)
        {
            error = SocketError.OperationAborted;
            return -1;
        }
    }

    /// <inheritdoc cref="SendNow(ArraySegment{byte}[], out SocketError)"/>
    private int SendNow(byte[] buffer, int length, out SocketError error)
    {
        try
        {
            MakeNonBlocking();
            int sent = _plainSocket!.Send(buffer, 0, length, SocketFlags.None, out error);
            return error is SocketError.Success or SocketError.WouldBlock ? Math.Max(sent, 0) : -1;
        }
        catch (ObjectDisposedException)
        {
            error = SocketError.OperationAborted;
            return -1;
        }
    }

    // The stream's own reads and writes are asynchronous and do not mind; a synchronous send on a
    // non-blocking socket returns at once with what the socket took.
    private void MakeNonBlocking()
    {
        if (_plainSocket!.Blocking)
        {
            _plainSocket.Blocking = false;
        }
    }
}
