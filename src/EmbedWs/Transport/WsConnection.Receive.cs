using System;
using System.Buffers;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Protocol;

namespace EmbedWs.Transport;

// The read loop: one per connection, from the handshake to the end, and the only place that
// raises the connection's events.
internal sealed partial class WsConnection
{
    /// <summary>The receive buffer rented per connection while data flows (an idle connection holds none).</summary>
    internal const int ReceiveBufferSize = 16 * 1024;

    // Reads that may complete at once in a row before the loop yields the thread.
    private const int MaxReadsInARow = 16;

    // A frame with at least this much payload still to come is read straight into its message.
    private const int DirectReadMinimum = 4096;

    /// <summary>
    /// Runs the connection to its end with <paramref name="handler"/> receiving its events: opens
    /// it, reads until the connection closes, then raises OnClosed exactly once.
    /// <paramref name="initial"/> (pooled; taken over) holds bytes read with the handshake. The
    /// task never faults (a failure is logged), so the listener need not await it.
    /// </summary>
    public Task RunAsync(IConnectionHandler handler, byte[] initial, int initialLength)
    {
        _handler = handler;
        LastReceivedTimestamp = Settings.TimeProvider.GetTimestamp();
        _connectedAtUtcTicks = Settings.TimeProvider.GetUtcNow().UtcTicks;

        // One state machine for the connection's whole life: an idle connection holds one box, not two.
        return ReceiveLoopAsync(initial, initialLength);
    }

    /// <summary>
    /// Opens the connection (OnOpened), then reads until the client's TCP connection ends (or is
    /// dropped), then ends it (OnClosed, Completion). Each read is decoded at once; messages are
    /// handed up while their bytes are still in the buffer.
    /// </summary>
    private async Task ReceiveLoopAsync(byte[] initial, int filled)
    {
        byte[]? buffer = initial;
        try
        {
            if (buffer.Length < ReceiveBufferSize)
            {
                buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
                Buffer.BlockCopy(initial, 0, buffer, 0, filled);
                ArrayPool<byte>.Shared.Return(initial);
            }

            Interlocked.Add(ref _bytesReceived, filled);
            filled = await OpenAsync(buffer, filled).ConfigureAwait(false);
            int inARow = 0;
            while (true)
            {
#if NET8_0_OR_GREATER
                // An idle connection holds no receive buffer: when the last read had to wait and
                // nothing partial is kept, wait for data with a zero-byte read, buffer returned.
                if (filled == 0 && inARow == 0)
                {
                    var ready = _stream.ReadAsync(Memory<byte>.Empty, default);
                    if (!ready.IsCompleted)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = null;
                        await ready.ConfigureAwait(false);
                        buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
                    }
                    else
                    {
                        ready.GetAwaiter().GetResult();
                    }
                }
#endif
                // The rest of a large frame goes straight into its message: one read instead
                // of one per buffer's worth, and no copy out of the buffer.
                var direct = filled == 0 ? _session.DirectTarget(DirectReadMinimum) : Memory<byte>.Empty;
                var read = _stream.ReadAsync(direct.IsEmpty ? buffer.AsMemory(filled) : direct, default);
                int n;
                if (read.IsCompleted)
                {
                    n = read.Result;

                    // A busy client's reads complete at once, again and again: without a yield now
                    // and then, its loop would keep the thread and starve other connections.
                    if (++inARow >= MaxReadsInARow)
                    {
                        inARow = 1;
                        await Task.Yield();
                    }
                }
                else
                {
                    inARow = 0;
                    n = await read.ConfigureAwait(false);
                }

                LastReceivedTimestamp = Settings.TimeProvider.GetTimestamp();
                if (n == 0)
                {
                    // The client ended TCP. Without a closing handshake that is an abnormal end (1006).
                    ConnectionEnded();
                    return;
                }

                Interlocked.Add(ref _bytesReceived, n);
                if (!direct.IsEmpty)
                {
                    _session.AcceptDirect(n);
                    n = 0;
                }

                filled = await ProcessAsync(buffer, filled + n).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Reset, dropped by Abort or the close deadline, TLS failure: the connection is over.
            TransportLog.IoEnded(Logger, Id, ex.Message);
            ConnectionEnded();
        }
        finally
        {
            _session.Dispose();
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            // Not awaited here (nothing awaits this loop's task): Completion reports the end,
            // and the loop's state machine stays smaller by the await it does not need.
            _ = EndAsync();
        }
    }

    /// <summary>
    /// Opens the connection (OnOpened, awaited with reading paused), then decodes the bytes that
    /// came with the handshake. Its own method: the loop's state machine, which every idle
    /// connection keeps, holds no field for awaiting OnOpened.
    /// </summary>
    private async ValueTask<int> OpenAsync(byte[] buffer, int filled)
    {
        _session.Open();
        var opened = _handler.OnOpenedAsync();
        if (!opened.IsCompletedSuccessfully)
        {
            await WhileReadPausedAsync(opened).ConfigureAwait(false);
        }

        return await ProcessAsync(buffer, filled).ConfigureAwait(false);
    }

    /// <summary>
    /// Decodes <paramref name="filled"/> bytes and returns how many are left (a partial header).
    /// A message handler that does not complete at once is awaited before the next frame is
    /// decoded: that keeps the per-connection order and the message's bytes valid, and pauses
    /// reading (backpressure). Everything sent while one read is processed (replies, pongs, a
    /// close) leaves in one write, in the order it was queued.
    /// </summary>
    private async ValueTask<int> ProcessAsync(byte[] buffer, int filled)
    {
        if (!_session.IsReceiving)
        {
            return 0;
        }

        _session.BeginRead(LastReceivedTimestamp);
        _outbox.BeginBatch();
        int offset = 0;
        int left = 0;
        try
        {
            while (true)
            {
                var status = _session.Receive(buffer.AsMemory(offset, filled - offset), out int used, out var frame);
                offset += used;
                if (status == SessionEvent.NeedMore)
                {
                    left = filled - offset;
                    Buffer.BlockCopy(buffer, offset, buffer, 0, left);
                    return left;
                }

                if (status == SessionEvent.Message)
                {
                    Interlocked.Increment(ref _messagesReceived);
                    var type = frame.Opcode == WsOpcode.Text ? WsMessageType.Text : WsMessageType.Binary;
                    var handled = _handler.OnMessageAsync(new WsMessage(type, frame.Payload));
                    if (!handled.IsCompletedSuccessfully)
                    {
                        // Send what is batched before waiting on the handler.
                        _outbox.EndBatch();
                        await WhileReadPausedAsync(handled).ConfigureAwait(false);
                        _outbox.BeginBatch();
                    }
                }
                else if (status == SessionEvent.Pong)
                {
                    _handler.OnPong(frame.Payload.Span);
                }
                else
                {
                    if (status == SessionEvent.ProtocolError)
                    {
                        var error = frame.Error;
                        TransportLog.ProtocolError(Logger, Id, Info.RemoteEndPoint, error.Code(), error.CloseCode());
                    }

                    // The client's close arrived, or it broke the protocol (then its close reply
                    // cannot be read): the server ends TCP as soon as its close frame is out (§7.1.1).
                    SignalClosed();
                    _ = ShutdownWhenDrainedAsync();
                    return 0;
                }
            }
        }
        finally
        {
            _session.EndRead(left, left > 0 || _session.IsMidMessage ? Settings.TimeProvider.GetTimestamp() : 0);
            LogCoalescedPingsOnce();
            _outbox.EndBatch();
        }
    }

    private bool _coalescingLogged;
    private bool _readPaused;

    /// <summary>
    /// True while the read loop waits for a handler (Inline dispatch) or for room in the inbound
    /// queue: nothing is read, so the peer's silence says nothing and the heartbeat waits.
    /// </summary>
    internal bool IsReadPaused => Volatile.Read(ref _readPaused);

    /// <summary>
    /// Awaits <paramref name="pending"/> with reading paused; the peer's silence then counts again
    /// from when reading resumes (its pongs and pings could not be seen meanwhile).
    /// </summary>
    private async ValueTask WhileReadPausedAsync(ValueTask pending)
    {
        Volatile.Write(ref _readPaused, true);
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            LastReceivedTimestamp = Settings.TimeProvider.GetTimestamp();
            Volatile.Write(ref _readPaused, false);
        }
    }

    private void LogCoalescedPingsOnce()
    {
        if (!_coalescingLogged && _session.PingsCoalesced > 0)
        {
            _coalescingLogged = true;
            TransportLog.PingsCoalesced(Logger, Id, Info.RemoteEndPoint);
        }
    }

    /// <summary>The socket ended: while the connection was open, that is an abnormal end (1006).</summary>
    private void ConnectionEnded()
    {
        if (_session.State <= WsConnectionState.Open)
        {
            _session.Abort(WsCloseCause.ConnectionLost);
        }
    }

    /// <summary>The last step, once, from the read loop's end: release everything, raise OnClosed.</summary>
    private async Task EndAsync()
    {
        var close = _session.End();
        SignalClosed();
        _outbox.Terminate();
        _deflate?.Dispose();
        DisposeSocket();

        // Before OnClosed: a client that saw its connection end may connect again at once.
        Lease?.Release();
        try
        {
            await _handler.OnClosedAsync(close).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // OnClosedAsync contains the handlers' failures; this is a last guard for the task nobody awaits.
            TransportLog.ConnectionFailed(Logger, Id, ex);
        }

        SetCompleted();
    }
}
