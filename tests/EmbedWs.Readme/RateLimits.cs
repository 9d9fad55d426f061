using EmbedWs;

namespace Snippets;

internal static class RateLimits
{
    public static WsServerOptions Options() =>
        #region snippet
        new WsServerOptions
        {
            Url = "ws://localhost:8080",
            MaxMessagesPerSecond = 30,                      // per connection; bursts of up to 30 after a quiet second
            MaxBytesPerSecond = 64 * 1024,                  // message payload bytes, likewise
            RateLimitPolicy = WsRateLimitPolicy.ErrorReply, // or Drop, or Close (1008)
        };
        #endregion
}
