using System;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Heartbeat;

/// <summary>Log lines of the heartbeat, with stable event ids (3xx).</summary>
internal static partial class HeartbeatLog
{
    [LoggerMessage(300, LogLevel.Error, "Heartbeat policy failed for connection {Id}")]
    public static partial void PolicyFailed(ILogger logger, long id, Exception exception);
}
