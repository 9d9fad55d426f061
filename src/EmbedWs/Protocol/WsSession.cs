using System;
using System.Diagnostics;
using System.Text;
using System.Threading;

namespace EmbedWs.Protocol;

/// <summary>
/// The connection protocol of RFC 6455 without I/O: one lifecycle value and the rules of closing,
/// ping/pong and time limits, fed bytes and timestamps, answering with events and with the control
/// frames it puts in the outbox. No socket, no thread, no clock: time comes in as
/// <see cref="System.TimeProvider"/> timestamps, so it is tested on bytes and fake time.
/// </summary>
/// <remarks>
/// The receive side (<see cref="BeginRead"/>, <see cref="Receive"/>, <see cref="EndRead"/>) belongs
/// to the connection's read loop. <see cref="StartClose"/>, <see cref="Abort"/> and
/// <see cref="CheckDeadlines"/> may be called from any thread; the state moves by compare-and-swap,
/// forward only (Connecting, Open, CloseSent or CloseReceived, then Closed or Aborted).
/// </remarks>
internal sealed class WsSession : IDisposable
{
    /// <summary>
    /// Pings answered one by one in a single read; beyond this, only the latest ping of that read
    /// is answered (RFC 6455 §5.5.3 allows it). A ping flood then cannot multiply the server's
    /// writes, while a client's burst of a few pings still gets every pong.
    /// </summary>
    public const int MaxPongsPerRead = 16;

    private readonly IControlFrameSink _sink;
    private readonly SessionLimits _limits;
    private readonly PerMessageDeflate? _deflate;

    private int _state = (int)WsConnectionState.Connecting;
    private WsCloseInfo? _closeInfo;
    private FrameDecoder? _decoder;

    // Set once a close frame was received or the client broke the protocol: from then on bytes
    // are read only to see the client's end of TCP, and dropped.
    private bool _discarding;
    private int _aborted;

    // When the close began (a timestamp), 0 before; the tick drops the socket CloseTimeout later.
    private long _closeStartedAt;

    // When the message (or control frame) that is incomplete now began to arrive; 0 while
    // nothing is incomplete. Not checked while a read is being processed (_reading: handlers may
    // run meanwhile), so that only time spent waiting for the client counts.
    private long _incompleteSince;
    private bool _reading;
    private long _now;

    // Set when a message, or a control frame outside a message, completed in the read being
    // processed: what is incomplete after it began later. (A ping between the fragments of a
    // message does not set it: it must not restart the message's clock.)
    private bool _completedMessage;
    private int _pongsThisRead;
    private byte[]? _heldPong;
    private int _heldPongLength = -1;

    /// <param name="sink">Where pongs and close frames go.</param>
    /// <param name="limits">The server's limits, shared by all its sessions.</param>
    /// <param name="deflate">permessage-deflate when the handshake agreed it (RFC 7692); its owner disposes it.</param>
    public WsSession(IControlFrameSink sink, SessionLimits limits, PerMessageDeflate? deflate = null)
    {
        _sink = sink;
        _limits = limits;
        _deflate = deflate;
    }

    public WsConnectionState State => (WsConnectionState)Volatile.Read(ref _state);

    /// <summary>How the connection ended, decided by the first close decision; null while open.</summary>
    public WsCloseInfo? CloseInfo => Volatile.Read(ref _closeInfo);

    /// <summary>Pings of the session's life whose pong was merged into a later one's.</summary>
    public int PingsCoalesced { get; private set; }

    /// <summary>False once the client's close frame or a protocol error ended the reading of frames.</summary>
    public bool IsReceiving => !_discarding;

    /// <summary>True once the client's close frame arrived: by §5.5.1 it sends no data after it.</summary>
    public bool PeerClosed { get; private set; }

    /// <summary>True while a fragmented message or a frame's payload is half-read.</summary>
    public bool IsMidMessage => _decoder is { IsMidMessage: true };

    /// <summary>When the incomplete message began to arrive (a timestamp), 0 when none; for tests.</summary>
    internal long IncompleteSince => Volatile.Read(ref _incompleteSince);

    /// <summary>Connecting to Open; false when the connection closed meanwhile.</summary>
    public bool Open() =>
        Interlocked.CompareExchange(ref _state, (int)WsConnectionState.Open, (int)WsConnectionState.Connecting) == (int)WsConnectionState.Connecting;

    /// <summary>
    /// The server starts the closing handshake (§7.1.2): queues a close frame and starts the close
    /// clock. The first close decision sets what OnClose reports; false when it was not the first.
    /// </summary>
    public bool StartClose(ushort code, string reason, WsCloseCause cause, long now)
    {
        if (!Leave(WsConnectionState.CloseSent))
        {
            return false;
        }

        SetCloseInfo(code, reason, cause);
        StartCloseClock(now);
        SendClose(code, reason);
        return true;
    }

    /// <summary>The connection is being dropped without a closing handshake (Abort, a lost socket, a close timeout).</summary>
    public void Abort(WsCloseCause cause)
    {
        Volatile.Write(ref _aborted, 1);
        SetCloseInfo(WsCloseCodes.AbnormalClosure, string.Empty, cause);
        Leave(WsConnectionState.Aborted);
    }

    /// <summary>
    /// The connection's TCP ended: the final state is Closed after a closing handshake, Aborted
    /// otherwise. Returns what OnClose reports (1006 ConnectionLost when nothing was decided).
    /// </summary>
    public WsCloseInfo End()
    {
        SetCloseInfo(WsCloseCodes.AbnormalClosure, string.Empty, WsCloseCause.ConnectionLost);
        bool clean = Volatile.Read(ref _aborted) == 0 && State is WsConnectionState.CloseSent or WsConnectionState.CloseReceived;
        Volatile.Write(ref _state, (int)(clean ? WsConnectionState.Closed : WsConnectionState.Aborted));
        return _closeInfo!;
    }

    /// <summary>
    /// Called by the server's tick: acts on a message incomplete past the read timeout (starts a
    /// close with 1008) and reports a closing handshake past the close timeout (drop the socket).
    /// </summary>
    public SessionDeadline CheckDeadlines(long now)
    {
        long closeStarted = Volatile.Read(ref _closeStartedAt);
        if (closeStarted != 0)
        {
            return _limits.CloseTimeout != 0 && now - closeStarted > _limits.CloseTimeout ? SessionDeadline.CloseTimeout : SessionDeadline.None;
        }

        long since = Volatile.Read(ref _incompleteSince);
        if (since != 0 && !Volatile.Read(ref _reading) && _limits.ReadTimeout != 0 && now - since > _limits.ReadTimeout
            && StartClose(WsCloseCodes.PolicyViolation, "read timeout", WsCloseCause.PolicyViolation, now))
        {
            return SessionDeadline.ReadTimeout;
        }

        return SessionDeadline.None;
    }

    /// <summary>A read arrived: the read clock pauses while it is processed (handlers may run meanwhile).</summary>
    public void BeginRead(long now)
    {
        _now = now;
        Volatile.Write(ref _reading, true);
        _completedMessage = false;
        _pongsThisRead = 0;
    }

    /// <summary>
    /// Decodes from <paramref name="input"/> (unmasking it in place) up to the first event. Call
    /// again with the rest, from <paramref name="consumed"/>, until <see cref="SessionEvent.NeedMore"/>.
    /// </summary>
    public SessionEvent Receive(Memory<byte> input, out int consumed, out DecodedFrame frame)
    {
        frame = default;
        consumed = 0;
        if (_discarding)
        {
            consumed = input.Length;
            return SessionEvent.NeedMore;
        }

        // Created with the first bytes: a connection that never sends holds none.
        if (_decoder is null && input.IsEmpty)
        {
            return SessionEvent.NeedMore;
        }

        var decoder = _decoder ??= new FrameDecoder(_limits.MaxMessageSize) { MaxFragmentsPerMessage = _limits.MaxFragments, Deflate = _deflate };
        int offset = 0;
        while (true)
        {
            var status = decoder.Decode(input.Slice(offset), out int used, out frame);
            offset += used;
            consumed = offset;
            switch (status)
            {
                case DecodeStatus.NeedMore:
                    Debug.Assert(input.Length - offset < WsConstants.MaxHeaderSize, "only a partial header may stay in the buffer");
                    return SessionEvent.NeedMore;

                case DecodeStatus.Message:
                    _completedMessage = true;
                    QueueHeldPong();

                    // After the server's close frame, data still arriving is dropped (§7.1.2: the server waits for the client's close).
                    if (State == WsConnectionState.Open)
                    {
                        return SessionEvent.Message;
                    }

                    break;

                case DecodeStatus.Ping:
                    // §5.5.2: a pong with the ping's payload.
                    Pong(frame.Payload.Span);
                    _completedMessage |= !decoder.IsMidMessage;
                    break;

                case DecodeStatus.Pong:
                    _completedMessage |= !decoder.IsMidMessage;
                    return SessionEvent.Pong;

                case DecodeStatus.Close:
                    QueueHeldPong();
                    OnCloseFrame(frame.CloseCode, frame.Payload.Span);
                    return SessionEvent.CloseReceived;

                default:
                    QueueHeldPong();
                    var error = frame.Error;
                    _discarding = true;
                    if (Leave(WsConnectionState.CloseSent))
                    {
                        SetCloseInfo(error.CloseCode(), error.Code(), CauseOf(error));
                        StartCloseClock(_now);
                        SendClose(error.CloseCode(), error.Code());
                    }

                    return SessionEvent.ProtocolError;
            }
        }
    }

    /// <summary>
    /// The read is processed: the coalesced pong is queued, and the read clock starts again when a
    /// message (or a partial header: <paramref name="leftover"/> bytes) is incomplete.
    /// </summary>
    public void EndRead(int leftover, long now)
    {
        QueueHeldPong();
        long since = 0;
        if ((leftover > 0 || _decoder is { IsMidMessage: true }) && !_discarding && _limits.ReadTimeout != 0)
        {
            // One timestamp when a message begins (not per read or frame): the clock keeps
            // running across reads until the message completes.
            long before = Volatile.Read(ref _incompleteSince);
            since = before != 0 && !_completedMessage ? before : now == 0 ? 1 : now;
        }

        Volatile.Write(ref _incompleteSince, since);
        Volatile.Write(ref _reading, false);
    }

    /// <summary>Where the rest of a large data frame may be read straight into its message; empty when none (see <see cref="FrameDecoder.DirectTarget"/>).</summary>
    public Memory<byte> DirectTarget(int minimum) =>
        _discarding || _decoder is null ? Memory<byte>.Empty : _decoder.DirectTarget(minimum);

    /// <summary>Takes bytes read into <see cref="DirectTarget"/>; the next <see cref="Receive"/> goes on from them.</summary>
    public void AcceptDirect(int count) => _decoder!.AcceptDirect(count);

    /// <summary>Returns the decoder's buffers; the read loop calls it once, at its end.</summary>
    public void Dispose() => _decoder?.Dispose();

    private void Pong(ReadOnlySpan<byte> payload)
    {
        if (_pongsThisRead < MaxPongsPerRead && _heldPongLength < 0)
        {
            _pongsThisRead++;
            _sink.SendControl(WsOpcode.Pong, payload);
            return;
        }

        // Keep only the latest ping of the rest of this read; its pong is queued before the next
        // message or close and at the end of the read, so pongs keep their place.
        if (_heldPongLength >= 0)
        {
            PingsCoalesced++;
        }

        _heldPong ??= new byte[WsConstants.MaxControlPayload];
        payload.CopyTo(_heldPong);
        _heldPongLength = payload.Length;
    }

    private void QueueHeldPong()
    {
        int length = _heldPongLength;
        if (length < 0)
        {
            return;
        }

        _heldPongLength = -1;
        _sink.SendControl(WsOpcode.Pong, _heldPong.AsSpan(0, length));
    }

    /// <summary>The client's close frame (§5.5.1): answered with its code when the server had not sent one.</summary>
    private void OnCloseFrame(ushort code, ReadOnlySpan<byte> reason)
    {
        _discarding = true;
        PeerClosed = true;
        if (Leave(WsConnectionState.CloseReceived))
        {
            SetCloseInfo(code, reason.IsEmpty ? string.Empty : Encoding.UTF8.GetString(reason), WsCloseCause.ClientClosed);
            StartCloseClock(_now);

            // 1005 means "no code": answer with an empty close payload, as it came.
            SendClose(code, null);
        }
    }

    private void SendClose(ushort code, string? reason)
    {
        Span<byte> payload = stackalloc byte[WsConstants.MaxControlPayload];
        int length = code == WsCloseCodes.NoStatusReceived ? 0 : FrameWriter.WriteClosePayload(payload, code, reason);
        _sink.SendControl(WsOpcode.Close, payload.Slice(0, length));
    }

    /// <summary>Moves from Connecting or Open to <paramref name="next"/>; false when the connection had left those already.</summary>
    private bool Leave(WsConnectionState next)
    {
        while (true)
        {
            int current = Volatile.Read(ref _state);
            if (current > (int)WsConnectionState.Open)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _state, (int)next, current) == current)
            {
                return true;
            }
        }
    }

    private void StartCloseClock(long now) => Interlocked.CompareExchange(ref _closeStartedAt, now == 0 ? 1 : now, 0);

    private void SetCloseInfo(ushort code, string reason, WsCloseCause cause) =>
        Interlocked.CompareExchange(ref _closeInfo, new WsCloseInfo(code, reason, cause), null);

    private static WsCloseCause CauseOf(FrameError error) => error switch
    {
        FrameError.MessageTooBig => WsCloseCause.MessageTooBig,
        FrameError.TooManyFragments => WsCloseCause.PolicyViolation,
        _ => WsCloseCause.ProtocolError,
    };
}
