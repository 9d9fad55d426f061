namespace EmbedWs;

/// <summary>
/// Close status codes of RFC 6455 §7.4.1, and which of them a peer may put in a close frame.
/// </summary>
public static class WsCloseCodes
{
    /// <summary>1000: the purpose of the connection is fulfilled.</summary>
    public const ushort NormalClosure = 1000;
    /// <summary>1001: the server is going down or the client is navigating away.</summary>
    public const ushort GoingAway = 1001;
    /// <summary>1002: the peer broke the protocol.</summary>
    public const ushort ProtocolError = 1002;
    /// <summary>1003: a data type the endpoint cannot accept.</summary>
    public const ushort UnsupportedData = 1003;
    /// <summary>1005: no code was present (never sent on the wire).</summary>
    public const ushort NoStatusReceived = 1005;
    /// <summary>1006: the connection dropped without a close frame (never sent on the wire).</summary>
    public const ushort AbnormalClosure = 1006;
    /// <summary>1007: text that is not valid UTF-8.</summary>
    public const ushort InvalidPayload = 1007;
    /// <summary>1008: a message that violates the endpoint's policy; EmbedWs sends it to a slow consumer.</summary>
    public const ushort PolicyViolation = 1008;
    /// <summary>1009: a message larger than the endpoint accepts.</summary>
    public const ushort MessageTooBig = 1009;
    /// <summary>1010: the client expected an extension the server did not negotiate.</summary>
    public const ushort MandatoryExtension = 1010;
    /// <summary>1011: the server hit an unexpected condition.</summary>
    public const ushort InternalError = 1011;
    /// <summary>1012: the service is restarting.</summary>
    public const ushort ServiceRestart = 1012;
    /// <summary>1013: try again later.</summary>
    public const ushort TryAgainLater = 1013;

    /// <summary>
    /// True when <paramref name="code"/> may appear in a close frame (RFC 6455 §7.4):
    /// 1000-1003 and 1007-1014 are defined; 1004 is reserved; 1005, 1006 and 1015 must never be
    /// sent; 1016-2999 are reserved for future RFCs; 3000-3999 are registered by libraries and
    /// 4000-4999 are private use; everything below 1000 or from 5000 on is invalid.
    /// </summary>
    /// <param name="code">The code read from, or about to be written to, a close frame.</param>
    /// <returns>Whether the code is valid on the wire.</returns>
    public static bool IsValidOnWire(int code) =>
        code switch
        {
            >= 1000 and <= 1003 => true,
            >= 1007 and <= 1014 => true,
            >= 3000 and <= 4999 => true,
            _ => false,
        };
}
