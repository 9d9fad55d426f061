namespace EmbedWs.Protocol;

/// <summary>Numbers fixed by RFC 6455 and the defaults EmbedWs builds on them.</summary>
internal static class WsConstants
{
    /// <summary>RFC 6455 §1.3: appended to Sec-WebSocket-Key before hashing.</summary>
    public const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>The only protocol version RFC 6455 defines (§4.1).</summary>
    public const string Version = "13";

    /// <summary>RFC 6455 §5.5: control frame payloads are at most 125 bytes.</summary>
    public const int MaxControlPayload = 125;

    /// <summary>2 bytes of base header + 8 bytes of extended length + 4 bytes of mask.</summary>
    public const int MaxHeaderSize = 14;

    /// <summary>A server frame header: 2 + 8 length bytes, never a mask.</summary>
    public const int MaxServerHeaderSize = 10;

    /// <summary>Sec-WebSocket-Key decodes to exactly 16 bytes (§4.1).</summary>
    public const int KeyDecodedLength = 16;
}
