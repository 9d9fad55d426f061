namespace EmbedWs.Protocol;

/// <summary>
/// Every way a client's frames can break RFC 6455. Each maps to one close code
/// (<see cref="FrameErrors.CloseCode"/>) and one stable error code string that the README lists.
/// </summary>
internal enum FrameError
{
    None = 0,
    /// <summary>§5.1: a client must mask every frame.</summary>
    UnmaskedFrame,
    /// <summary>§5.2: RSV1-3 set with no extension negotiated.</summary>
    ReservedBits,
    /// <summary>§5.2: opcodes 0x3-0x7 and 0xB-0xF are reserved.</summary>
    ReservedOpcode,
    /// <summary>§5.5: control frames carry at most 125 bytes.</summary>
    ControlFrameTooLong,
    /// <summary>§5.5: control frames must not be fragmented.</summary>
    FragmentedControlFrame,
    /// <summary>§5.4: a continuation frame with no message open.</summary>
    UnexpectedContinuation,
    /// <summary>§5.4: a new text or binary frame while a fragmented message is open.</summary>
    ExpectedContinuation,
    /// <summary>§5.2: the most significant bit of a 64-bit length must be 0.</summary>
    InvalidLength,
    /// <summary>The message is larger than the configured limit (§7.4.1 code 1009).</summary>
    MessageTooBig,
    /// <summary>§8.1: text must be valid UTF-8.</summary>
    InvalidUtf8,
    /// <summary>§5.5.1: a close payload of exactly one byte.</summary>
    InvalidClosePayload,
    /// <summary>§7.4: a close code no endpoint may send.</summary>
    InvalidCloseCode,
    /// <summary>§5.5.1: the close reason must be UTF-8.</summary>
    InvalidCloseReason,
    /// <summary>
    /// A message in more frames than the configured limit (a policy of this server, §7.4.1 code
    /// 1008): endless empty continuation frames would otherwise keep a message open forever.
    /// </summary>
    TooManyFragments,
    /// <summary>RFC 7692 §7.2.2: a compressed message that is not valid deflate data (1007, like text that is not UTF-8).</summary>
    InvalidCompressedData,
}

internal static class FrameErrors
{
    /// <summary>The close code the server answers an error with.</summary>
    public static ushort CloseCode(this FrameError error) => error switch
    {
        FrameError.MessageTooBig => WsCloseCodes.MessageTooBig,
        FrameError.InvalidUtf8 or FrameError.InvalidCloseReason or FrameError.InvalidCompressedData => WsCloseCodes.InvalidPayload,
        FrameError.TooManyFragments => WsCloseCodes.PolicyViolation,
        FrameError.None => WsCloseCodes.NormalClosure,
        _ => WsCloseCodes.ProtocolError,
    };

    /// <summary>The stable, documented error code (docs/close-codes.md).</summary>
    public static string Code(this FrameError error) => error switch
    {
        FrameError.UnmaskedFrame => "unmasked_frame",
        FrameError.ReservedBits => "reserved_bits",
        FrameError.ReservedOpcode => "reserved_opcode",
        FrameError.ControlFrameTooLong => "control_frame_too_long",
        FrameError.FragmentedControlFrame => "fragmented_control_frame",
        FrameError.UnexpectedContinuation => "unexpected_continuation",
        FrameError.ExpectedContinuation => "expected_continuation",
        FrameError.InvalidLength => "invalid_length",
        FrameError.MessageTooBig => "message_too_big",
        FrameError.InvalidUtf8 => "invalid_utf8",
        FrameError.InvalidClosePayload => "invalid_close_payload",
        FrameError.InvalidCloseCode => "invalid_close_code",
        FrameError.InvalidCloseReason => "invalid_close_reason",
        FrameError.TooManyFragments => "too_many_fragments",
        FrameError.InvalidCompressedData => "invalid_compressed_data",
        _ => "none",
    };
}
