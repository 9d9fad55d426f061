using System;

namespace EmbedWs;

// Inbound rate limits per connection (docs/rate-limits.md): off unless set.
public sealed partial class WsServerOptions
{
    private int _maxMessagesPerSecond;
    private int _maxBytesPerSecond;
    private WsRateLimitPolicy _rateLimitPolicy = WsRateLimitPolicy.ErrorReply;

    /// <summary>
    /// The text and binary messages one connection may send per second, on average; it may send
    /// up to this many at once after a quiet second (a token bucket refilled by the server's tick).
    /// A message past it is answered as <see cref="RateLimitPolicy"/> says. 0 (the default) for no limit.
    /// </summary>
    public int MaxMessagesPerSecond
    {
        get => _maxMessagesPerSecond;
        set => Set(ref _maxMessagesPerSecond, InRange(value, 0, int.MaxValue, nameof(MaxMessagesPerSecond)));
    }

    /// <summary>
    /// The message payload bytes one connection may send per second, on average, as
    /// <see cref="MaxMessagesPerSecond"/>; a message larger than a second's budget passes when the
    /// budget is whole, and the connection then waits that much longer. 0 (the default) for no limit.
    /// </summary>
    public int MaxBytesPerSecond
    {
        get => _maxBytesPerSecond;
        set => Set(ref _maxBytesPerSecond, InRange(value, 0, int.MaxValue, nameof(MaxBytesPerSecond)));
    }

    /// <summary>
    /// What happens to a message past <see cref="MaxMessagesPerSecond"/> or <see cref="MaxBytesPerSecond"/>:
    /// the default <see cref="WsRateLimitPolicy.ErrorReply"/> answers it with a <c>rate_limited</c> error.
    /// </summary>
    public WsRateLimitPolicy RateLimitPolicy
    {
        get => _rateLimitPolicy;
        set => Set(ref _rateLimitPolicy, Enum.IsDefined(typeof(WsRateLimitPolicy), value) ? value
            : throw new ArgumentOutOfRangeException(nameof(RateLimitPolicy), value, "Use ErrorReply, Drop or Close."));
    }
}
