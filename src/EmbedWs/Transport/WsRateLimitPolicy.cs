namespace EmbedWs;

/// <summary>What the server does with a message past a connection's rate limit (<c>WsServerOptions.MaxMessagesPerSecond</c>, <c>MaxBytesPerSecond</c>).</summary>
public enum WsRateLimitPolicy
{
    /// <summary>
    /// The message is not handled and is answered with the JSON error
    /// <c>{"type":"error","id":...,"error":{"code":"rate_limited",...}}</c> (the id of a JSON request, if any);
    /// the connection stays open.
    /// </summary>
    ErrorReply,

    /// <summary>The message is not handled and not answered; the connection stays open.</summary>
    Drop,

    /// <summary>The connection is closed with 1008 "rate limited" (cause <c>PolicyViolation</c>).</summary>
    Close,
}
