namespace EmbedWs.Protocol;

/// <summary>Why a handshake was refused, with the HTTP status it gets (RFC 6455 §4.2.1-§4.2.2).</summary>
internal enum HandshakeError
{
    None = 0,
    /// <summary>400: not an HTTP/1.1 request head.</summary>
    MalformedRequest,
    /// <summary>431: the request head is larger than the limit.</summary>
    HeadTooLarge,
    /// <summary>405: the method is not GET.</summary>
    MethodNotAllowed,
    /// <summary>400: HTTP/1.0 (the handshake needs 1.1 or higher).</summary>
    BadHttpVersion,
    /// <summary>400: no Host header, or an empty one.</summary>
    MissingHost,
    /// <summary>A GET without an Upgrade header: plain HTTP, for the fallback handler or 426.</summary>
    NotUpgrade,
    /// <summary>400: Upgrade present but without the "websocket" token.</summary>
    BadUpgrade,
    /// <summary>400: Connection without the "upgrade" token.</summary>
    BadConnection,
    /// <summary>400: Sec-WebSocket-Key missing or not 16 bytes of base64.</summary>
    BadKey,
    /// <summary>400: no Sec-WebSocket-Version.</summary>
    MissingVersion,
    /// <summary>426 with Sec-WebSocket-Version: 13.</summary>
    UnsupportedVersion,
    /// <summary>400: TLS bytes (a ClientHello) on a plain ws:// port.</summary>
    TlsOnPlainPort,
}

internal static class HandshakeErrors
{
    public static int Status(this HandshakeError error) => error switch
    {
        HandshakeError.None => 101,
        HandshakeError.HeadTooLarge => 431,
        HandshakeError.MethodNotAllowed => 405,
        HandshakeError.NotUpgrade or HandshakeError.UnsupportedVersion => 426,
        _ => 400,
    };

    /// <summary>The plain-text body sent with the refusal, so a person with curl sees why.</summary>
    public static string Message(this HandshakeError error) => error switch
    {
        HandshakeError.MalformedRequest => "Malformed HTTP request",
        HandshakeError.HeadTooLarge => "Request header fields too large",
        HandshakeError.MethodNotAllowed => "WebSocket handshake must use GET",
        HandshakeError.BadHttpVersion => "WebSocket handshake needs HTTP/1.1",
        HandshakeError.MissingHost => "Missing Host header",
        HandshakeError.NotUpgrade => "This endpoint speaks WebSocket: send Upgrade: websocket",
        HandshakeError.BadUpgrade => "Upgrade header must be 'websocket'",
        HandshakeError.BadConnection => "Connection header must contain 'Upgrade'",
        HandshakeError.BadKey => "Missing or invalid Sec-WebSocket-Key",
        HandshakeError.MissingVersion => "Missing Sec-WebSocket-Version",
        HandshakeError.UnsupportedVersion => "Unsupported Sec-WebSocket-Version: use 13",
        HandshakeError.TlsOnPlainPort => "This port speaks plain HTTP and WebSocket (ws://), not TLS",
        _ => string.Empty,
    };
}
