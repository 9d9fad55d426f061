using System;
using System.Buffers;
using System.Buffers.Binary;

namespace EmbedWs.Protocol;

/// <summary>What <see cref="FrameDecoder.Decode"/> produced.</summary>
internal enum DecodeStatus
{
    /// <summary>All whole frames were used; bytes from <c>consumed</c> on are a partial header.</summary>
    NeedMore,
    /// <summary>A complete text or binary message.</summary>
    Message,
    /// <summary>A ping; answer it with a pong carrying the same payload (§5.5.2).</summary>
    Ping,
    /// <summary>A pong.</summary>
    Pong,
    /// <summary>A valid close frame; <see cref="DecodedFrame.CloseCode"/> is 1005 when it had no code.</summary>
    Close,
    /// <summary>The peer broke the protocol; close with <see cref="FrameErrors.CloseCode"/>.</summary>
    Error,
}

/// <summary>One result of the decoder. The payload is valid until the next call to Decode.</summary>
internal readonly struct DecodedFrame
{
    public DecodedFrame(WsOpcode opcode, ReadOnlyMemory<byte> payload, ushort closeCode = 0, FrameError error = FrameError.None)
    {
        Opcode = opcode;
        Payload = payload;
        CloseCode = closeCode;
        Error = error;
    }

    public WsOpcode Opcode { get; }

    /// <summary>The message or control payload; for a close, the reason bytes after the code.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    public ushort CloseCode { get; }

    public FrameError Error { get; }
}

/// <summary>
/// The receive side of RFC 6455 as a state machine over bytes: frame headers, unmasking,
/// fragmentation with control frames in between, incremental UTF-8 checks and the message size
/// limit (checked from each header before its payload is read). No I/O, no clock, no throws
/// for bad input: feed it what the socket gave and act on each result. Not thread-safe: one
/// decoder belongs to one connection's read loop.
/// </summary>
internal sealed partial class FrameDecoder : IDisposable
{
    // RSV1 as FrameHeader.Rsv holds it (the three bits low: RSV1 = 0b100).
    private const byte Rsv1 = 0b100;

    private readonly long _maxMessageSize;
    private readonly ArrayPool<byte> _pool;

    // The frame being read.
    private bool _inPayload;
    private FrameHeader _frame;
    private long _frameRemaining;
    private long _maskOffset;

    // The message being assembled (Continuation when none is open).
    private WsOpcode _messageOpcode;
    private int _messageLength;
    private int _messageFrames;
    private byte[]? _messageBuffer;
    private bool _messageDelivered;
    private Utf8Validator _utf8;

    // A control frame's payload, which may arrive in pieces (§5.5: at most 125 bytes).
    private byte[]? _controlBuffer;
    private bool _failed;

    // An error found in bytes read straight into the message (AcceptDirect), reported by the next Decode.
    private FrameError _directError;

    // The message being assembled arrived compressed (RSV1 on its first frame, RFC 7692 §6).
    private bool _messageCompressed;

    public FrameDecoder(long maxMessageSize, ArrayPool<byte>? pool = null)
    {
        if (maxMessageSize <= 0 || maxMessageSize > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(maxMessageSize));
        }

        _maxMessageSize = maxMessageSize;
        _pool = pool ?? ArrayPool<byte>.Shared;
    }

    /// <summary>
    /// The most data frames (the first and its continuations) one message may take; one more is
    /// <see cref="FrameError.TooManyFragments"/>, found from its header. Unlimited by default.
    /// </summary>
    public int MaxFragmentsPerMessage { get; init; } = int.MaxValue;

    /// <summary>
    /// permessage-deflate as negotiated for this connection, or null when it was not (then RSV1
    /// is a protocol error like the other reserved bits).
    /// </summary>
    public PerMessageDeflate? Deflate { get; init; }

    /// <summary>True while a fragmented message or a frame's payload is half-read.</summary>
    public bool IsMidMessage => _inPayload || _messageOpcode != WsOpcode.Continuation;

    /// <summary>
    /// Decodes from <paramref name="input"/>, unmasking it in place. Returns at the first
    /// message, control frame or error; call again with the rest (from <paramref name="consumed"/>).
    /// After <see cref="DecodeStatus.Error"/> the decoder stays failed.
    /// </summary>
    public DecodeStatus Decode(Memory<byte> input, out int consumed, out DecodedFrame frame)
    {
        consumed = 0;
        frame = default;
        if (_failed)
        {
            return DecodeStatus.Error;
        }

        if (_directError != FrameError.None)
        {
            return Fail(_directError, out frame);
        }

        ReleaseDeliveredMessage();
        Span<byte> span = input.Span;
        while (true)
        {
            if (!_inPayload)
            {
                var status = FrameHeaderReader.TryRead(span.Slice(consumed), out var header, out int headerLength, out var error);
                if (status == HeaderStatus.Incomplete)
                {
                    return DecodeStatus.NeedMore;
                }

                if (status == HeaderStatus.Invalid || (error = Check(header)) != FrameError.None)
                {
                    return Fail(error, out frame);
                }

                consumed += headerLength;
                _frame = header;
                _frameRemaining = header.PayloadLength;
                _maskOffset = 0;
                _inPayload = true;
                if (header.Opcode == WsOpcode.Continuation)
                {
                    _messageFrames++;
                }
                else if (header.Opcode is WsOpcode.Text or WsOpcode.Binary)
                {
                    _messageOpcode = header.Opcode;
                    _messageLength = 0;
                    _messageFrames = 1;
                    _utf8.Reset();
                    _messageCompressed = header.Rsv != 0;

                    // Fast path: a whole unfragmented message already in the buffer is unmasked
                    // and handed out where it lies, without a copy.
                    if (header.Fin && !_messageCompressed && span.Length - consumed >= header.PayloadLength)
                    {
                        var payload = input.Slice(consumed, (int)header.PayloadLength);
                        Masking.Apply(payload.Span, header.MaskKey, 0);
                        consumed += payload.Length;
                        _inPayload = false;
                        _messageOpcode = WsOpcode.Continuation;
                        if (header.Opcode == WsOpcode.Text && !Utf8Validator.IsValid(payload.Span))
                        {
                            return Fail(FrameError.InvalidUtf8, out frame);
                        }

                        frame = new DecodedFrame(header.Opcode, payload);
                        return DecodeStatus.Message;
                    }
                }
            }

            int n = (int)Math.Min(_frameRemaining, span.Length - consumed);
            var chunk = span.Slice(consumed, n);
            Masking.Apply(chunk, _frame.MaskKey, _maskOffset);
            if (_frame.Opcode.IsControl())
            {
                _controlBuffer ??= new byte[WsConstants.MaxControlPayload];
                chunk.CopyTo(_controlBuffer.AsSpan((int)_maskOffset));
            }
            else if (_messageCompressed)
            {
                var inflateError = Inflate(input.Slice(consumed, n));
                if (inflateError != FrameError.None)
                {
                    return Fail(inflateError, out frame);
                }
            }
            else
            {
                if (_messageOpcode == WsOpcode.Text && !_utf8.Feed(chunk))
                {
                    return Fail(FrameError.InvalidUtf8, out frame);
                }

                Append(chunk);
            }

            _maskOffset += n;
            _frameRemaining -= n;
            consumed += n;
            if (_frameRemaining > 0)
            {
                return DecodeStatus.NeedMore;
            }

            _inPayload = false;
            if (_frame.Opcode.IsControl())
            {
                return CompleteControl(out frame);
            }

            if (_frame.Fin)
            {
                // Before the message is closed: what the last inflation yields is still its text.
                var finishError = _messageCompressed ? FinishInflate() : FrameError.None;
                if (finishError != FrameError.None)
                {
                    return Fail(finishError, out frame);
                }

                var opcode = _messageOpcode;
                _messageOpcode = WsOpcode.Continuation;

                if (opcode == WsOpcode.Text && !_utf8.IsComplete)
                {
                    return Fail(FrameError.InvalidUtf8, out frame);
                }

                _messageDelivered = true;
                frame = new DecodedFrame(opcode, _messageBuffer is null
                    ? ReadOnlyMemory<byte>.Empty
                    : new ReadOnlyMemory<byte>(_messageBuffer, 0, _messageLength));
                return DecodeStatus.Message;
            }
        }
    }

    /// <summary>The frame-sequence rules of §5.2-§5.5 that one header can break.</summary>
    private FrameError Check(in FrameHeader header)
    {
        if (!header.Masked)
        {
            return FrameError.UnmaskedFrame;
        }

        // RFC 7692 §6: once permessage-deflate is agreed, RSV1 marks a compressed message, on its
        // first frame only: never on a continuation or a control frame (§6.1). RSV2 and RSV3 stay reserved.
        if (header.Rsv != 0 && !(header.Rsv == Rsv1 && Deflate is not null && header.Opcode is WsOpcode.Text or WsOpcode.Binary))
        {
            return FrameError.ReservedBits;
        }

        if (!header.Opcode.IsDefined())
        {
            return FrameError.ReservedOpcode;
        }

        if (header.Opcode.IsControl())
        {
            if (!header.Fin)
            {
                return FrameError.FragmentedControlFrame;
            }

            return header.PayloadLength > WsConstants.MaxControlPayload ? FrameError.ControlFrameTooLong : FrameError.None;
        }

        bool open = _messageOpcode != WsOpcode.Continuation;
        if (header.Opcode == WsOpcode.Continuation && !open)
        {
            return FrameError.UnexpectedContinuation;
        }

        if (header.Opcode != WsOpcode.Continuation && open)
        {
            return FrameError.ExpectedContinuation;
        }

        if (header.Opcode == WsOpcode.Continuation && _messageFrames >= MaxFragmentsPerMessage)
        {
            return FrameError.TooManyFragments;
        }

        long already = header.Opcode == WsOpcode.Continuation ? _messageLength : 0;
        // Subtract rather than add: a declared length near 2^63 would overflow the sum.
        return header.PayloadLength > _maxMessageSize - already ? FrameError.MessageTooBig : FrameError.None;
    }

    private DecodeStatus CompleteControl(out DecodedFrame frame)
    {
        int length = (int)_frame.PayloadLength;
        var payload = length == 0 ? ReadOnlyMemory<byte>.Empty : new ReadOnlyMemory<byte>(_controlBuffer, 0, length);
        switch (_frame.Opcode)
        {
            case WsOpcode.Ping:
                frame = new DecodedFrame(WsOpcode.Ping, payload);
                return DecodeStatus.Ping;
            case WsOpcode.Pong:
                frame = new DecodedFrame(WsOpcode.Pong, payload);
                return DecodeStatus.Pong;
        }

        // §5.5.1: an empty close has no code (reported as 1005); otherwise 2 code bytes, then UTF-8.
        if (length == 0)
        {
            frame = new DecodedFrame(WsOpcode.Close, payload, WsCloseCodes.NoStatusReceived);
            return DecodeStatus.Close;
        }

        if (length == 1)
        {
            return Fail(FrameError.InvalidClosePayload, out frame);
        }

        ushort code = BinaryPrimitives.ReadUInt16BigEndian(payload.Span);
        if (!WsCloseCodes.IsValidOnWire(code))
        {
            return Fail(FrameError.InvalidCloseCode, out frame);
        }

        var reason = payload.Slice(2);
        if (!Utf8Validator.IsValid(reason.Span))
        {
            return Fail(FrameError.InvalidCloseReason, out frame);
        }

        frame = new DecodedFrame(WsOpcode.Close, reason, code);
        return DecodeStatus.Close;
    }

    private DecodeStatus Fail(FrameError error, out DecodedFrame frame)
    {
        _failed = true;
        frame = new DecodedFrame(default, ReadOnlyMemory<byte>.Empty, error.CloseCode(), error);
        return DecodeStatus.Error;
    }

    public void Dispose()
    {
        ReturnMessageBuffer();
        _messageDelivered = false;
    }
}
