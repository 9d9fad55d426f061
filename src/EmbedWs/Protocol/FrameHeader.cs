namespace EmbedWs.Protocol;

/// <summary>A decoded frame header (RFC 6455 §5.2); the payload follows it on the wire.</summary>
internal readonly struct FrameHeader
{
    public FrameHeader(bool fin, byte rsv, WsOpcode opcode, bool masked, long payloadLength, uint maskKey)
    {
        Fin = fin;
        Rsv = rsv;
        Opcode = opcode;
        Masked = masked;
        PayloadLength = payloadLength;
        MaskKey = maskKey;
    }

    public bool Fin { get; }

    /// <summary>RSV1-3 as the three low bits (RSV1 = 0b100).</summary>
    public byte Rsv { get; }

    public WsOpcode Opcode { get; }

    public bool Masked { get; }

    public long PayloadLength { get; }

    /// <summary>The four mask bytes in wire order, read little-endian so byte 0 is the low byte.</summary>
    public uint MaskKey { get; }
}

/// <summary>Outcome of <see cref="FrameHeaderReader.TryRead"/>.</summary>
internal enum HeaderStatus
{
    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,
    /// <summary>A whole header was read.</summary>
    Complete,
    /// <summary>The header itself is malformed; the error says how.</summary>
    Invalid,
}
