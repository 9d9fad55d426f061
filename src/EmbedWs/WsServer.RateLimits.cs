using System;
using System.Text;
using EmbedWs.Json;
using EmbedWs.Protocol;
using EmbedWs.Transport;

namespace EmbedWs;

// What happens to a message past its connection's rate limit (docs/rate-limits.md).
public sealed partial class WsServer
{
    /// <summary>
    /// Called by the connection's read loop for a message its token buckets refused: counted,
    /// logged once per burst, and answered as RateLimitPolicy says. The message reaches no handler.
    /// </summary>
    internal System.Threading.Tasks.ValueTask RateLimited(ServerConnection connection, WsMessage message, bool firstLimited)
    {
        var settings = Settings;
        _metrics!.MessageRateLimited(settings.RateLimitPolicy);
        if (firstLimited)
        {
            ServerLog.RateLimited(_logger, connection.Id, settings.MaxMessagesPerSecond, settings.MaxBytesPerSecond, settings.RateLimitPolicy);
        }

        switch (settings.RateLimitPolicy)
        {
            case WsRateLimitPolicy.Close:
                connection.Transport.StartClose(WsCloseCodes.PolicyViolation, "rate limited", WsCloseCause.PolicyViolation);
                break;
            case WsRateLimitPolicy.ErrorReply:
                ReplyRateLimited(connection, message, settings);
                break;
        }

        return default;
    }

    /// <summary>The router's error envelope, with the request's id when the message is a JSON request.</summary>
    private static void ReplyRateLimited(ServerConnection connection, WsMessage message, WsSettings settings)
    {
        object? id = null;
        if (message.IsText && settings.JsonSerializer.TryReadEnvelope(message.Data.Span, out var envelope, out _, out _))
        {
            id = envelope.Id;
        }

        var buffer = PooledByteWriter.Rent();
        try
        {
            settings.JsonSerializer.WriteError(buffer, id, WsRoutingErrors.RateLimited,
                "Too many messages: the connection passed its rate limit; slow down.");
            connection.SendText(buffer.Written);
        }
        finally
        {
            PooledByteWriter.Return(buffer);
        }
    }
}
