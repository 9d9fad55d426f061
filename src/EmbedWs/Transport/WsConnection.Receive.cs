using System;
using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Protocol;

namespace EmbedWs.Transport;

internal sealed partial class WsConnection
{
    // Reads that may complete at once in a row before the loop yields the thread.
    private const int MaxReadsInARow = 16;

    // A frame with at least this much payload still to come is read straight into its message.
    private const int DirectReadMinimum = 4096;

    private FrameDecoder? _decoder;

    // Set once a close frame was received or the client broke the protocol: from then on
    // bytes are read only to see the client's end of the TCP connection, and are dropped.
    private bool _discarding;

    // When the message (or control frame) that is incomplete now began to arrive, as a
    // TimeProvider timestamp; 0 while nothing is incomplete, and while the server works on a
    // read (handlers included), so only time spent waiting for the client counts.
    private long _incompleteSince;

    // Set when a message, or a control frame outside a message, completed in the read being
    // processed: what is incomplete after it began later. (A ping between the fragments of a
    // message does not set it: it must not restart the message's clock.)
    private bool _completedMessage;

    /// <summary>
    /// Raises OnOpened, then reads until the client's TCP connection ends (or is dropped), then
    /// ends the connection (OnClosed, Completion). Each read is decoded at
    /// once; messages are handed up while their bytes are still in the buffer.
    /// </summary>
    private async Task ReceiveLoopAsync(byte[] initial, int filled)
    {
        try
        {
            _events.OnOpened(this);
            byte[]? buffer = initial;
            if (buffer.Length < _settings.ReceiveBufferSize)
            {
                buffer = ArrayPool<byte>.Shared.Rent(_settings.ReceiveBufferSize);
                Buffer.BlockCopy(initial, 0, buffer, 0, filled);
                ArrayPool<byte>.Shared.Return(initial);
            }

            Interlocked.Add(ref _bytesReceived, filled);
            try
            {
                filled = await ProcessAsync(buffer, filled).ConfigureAwait(false);
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
                            buffer = ArrayPool<byte>.Shared.Rent(_settings.ReceiveBufferSize);
                        }
                        else
                        {
                            ready.GetAwaiter().GetResult();
                        }
                    }
#endif
                    // The rest of a large frame goes straight into its message: one read instead
                    // of one per buffer's worth, and no copy out of the buffer.
                    var direct = filled == 0 && !_discarding && _decoder is not null
                        ? _decoder.DirectTarget(DirectReadMinimum)
                        : Memory<byte>.Empty;
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

                    LastReceivedTimestamp = _settings.TimeProvider.GetTimestamp();
                    if (n == 0)
                    {
                        // The client ended TCP. Without a closing handshake that is an abnormal end (1006).
                        SetCloseInfo(WsCloseCodes.AbnormalClosure, string.Empty, WsCloseCause.ConnectionLost);
                        return;
                    }

                    Interlocked.Add(ref _bytesReceived, n);
                    if (!direct.IsEmpty)
                    {
                        _decoder!.AcceptDirect(n);
                        n = 0;
                    }

                    filled = await ProcessAsync(buffer, filled + n).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                // Reset, disposed by Abort or the close watchdog, TLS failure: the connection is over.
                TransportLog.IoEnded(_logger, Id, ex.Message);
                SetCloseInfo(WsCloseCodes.AbnormalClosure, string.Empty, WsCloseCause.ConnectionLost);
            }
            finally
            {
                _decoder?.Dispose();
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception ex)
        {
            // OnOpened failed (the loop's own failures are caught inside): log, do not fault the
            // task, which nobody awaits.
            TransportLog.ConnectionFailed(_logger, Id, ex);
        }
        finally
        {
            Terminate();
            SetCompleted();
        }
    }

    /// <summary>When the last read returned data, from <see cref="TransportSettings.TimeProvider"/>; for the heartbeat.</summary>
    internal long LastReceivedTimestamp { get; private set; }

    /// <summary>
    /// Decodes <paramref name="filled"/> bytes and returns how many are left (a partial header).
    /// A message handler that does not complete at once is awaited before the next frame is
    /// decoded: that is what keeps the message's bytes valid and pauses reading (backpressure).
    /// </summary>
    private async ValueTask<int> ProcessAsync(byte[] buffer, int filled)
    {
        if (_discarding || (filled == 0 && _decoder is null))
        {
            return 0;
        }

        long since = _incompleteSince;
        if (since != 0)
        {
            Volatile.Write(ref _incompleteSince, 0);
        }

        _completedMessage = false;
        int left;

        // Everything sent while one read is processed (echoes, pongs) leaves in one write.
        BeginBatch();
        try
        {
            left = await DecodeAllAsync(buffer, filled).ConfigureAwait(false);
        }
        finally
        {
            QueueHeldPong();
            EndBatch();
        }

        if ((left > 0 || _decoder!.IsMidMessage) && !_discarding && ReadTimeoutOn)
        {
            // One timestamp when a message begins (not per read or frame): the clock keeps
            // running across reads until the message completes.
            long now = since != 0 && !_completedMessage ? since : _settings.TimeProvider.GetTimestamp();
            Volatile.Write(ref _incompleteSince, now == 0 ? 1 : now);
        }

        return left;
    }

    private async ValueTask<int> DecodeAllAsync(byte[] buffer, int filled)
    {
        // Created with the first bytes: a connection that never sends holds none.
        var decoder = _decoder ??= new FrameDecoder(_settings.MaxMessageSize) { MaxFragmentsPerMessage = _settings.MaxFragmentsPerMessage };
        int offset = 0;
        while (true)
        {
            var status = decoder.Decode(buffer.AsMemory(offset, filled - offset), out int consumed, out var frame);
            offset += consumed;
            switch (status)
            {
                case DecodeStatus.NeedMore:
                    int left = filled - offset;
                    Debug.Assert(left < WsConstants.MaxHeaderSize, "only a partial header may stay in the buffer");
                    Buffer.BlockCopy(buffer, offset, buffer, 0, left);
                    return left;

                case DecodeStatus.Message:
                    _completedMessage = true;
                    QueueHeldPong();
                    if (State == WsConnectionState.Open)
                    {
                        Interlocked.Increment(ref _messagesReceived);
                        var type = frame.Opcode == WsOpcode.Text ? WsMessageType.Text : WsMessageType.Binary;
                        var handled = _events.OnMessageAsync(this, new WsMessage(type, frame.Payload));
                        if (!handled.IsCompletedSuccessfully)
                        {
                            // Send what is batched before waiting on the handler.
                            EndBatch();
                            await handled.ConfigureAwait(false);
                            BeginBatch();
                        }
                    }

                    break;

                case DecodeStatus.Ping:
                    // §5.5.2: a pong with the ping's payload, unless a close was already sent.
                    HoldPong(frame.Payload.Span);
                    _completedMessage |= !decoder.IsMidMessage;
                    break;

                case DecodeStatus.Pong:
                    _completedMessage |= !decoder.IsMidMessage;
                    _events.OnPong(this, frame.Payload.Span);
                    break;

                case DecodeStatus.Close:
                    QueueHeldPong();
                    OnCloseFrame(frame.CloseCode, frame.Payload.IsEmpty ? string.Empty : Encoding.UTF8.GetString(frame.Payload.Span));
                    _discarding = true;
                    return 0;

                default:
                    QueueHeldPong();
                    var error = frame.Error;
                    TransportLog.ProtocolError(_logger, Id, Info.RemoteEndPoint, error.Code(), error.CloseCode());
                    var cause = error switch
                    {
                        FrameError.MessageTooBig => WsCloseCause.MessageTooBig,
                        FrameError.TooManyFragments => WsCloseCause.PolicyViolation,
                        _ => WsCloseCause.ProtocolError,
                    };
                    StartClose(error.CloseCode(), error.Code(), cause);

                    // The decoder cannot read the client's close reply after an error, so the
                    // server ends TCP as soon as its close frame is out (§7.1.1).
                    _ = ShutdownWhenDrainedAsync();
                    _discarding = true;
                    return 0;
            }
        }
    }
}
