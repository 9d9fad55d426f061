using System;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Routing;

/// <summary>
/// Log lines of routing, with stable event ids (4xx). What a client sends wrong is logged at
/// Debug: it happens per message, is answered with an error reply, and is counted by the
/// <c>embedws.routing.errors</c> instrument; a client must not be able to flood the log.
/// </summary>
internal static partial class RoutingLog
{
    [LoggerMessage(400, LogLevel.Debug, "Connection {Id}: {Code} for type '{Type}': {Message}")]
    public static partial void RouteError(ILogger logger, long id, string code, string type, string message);

    [LoggerMessage(401, LogLevel.Error, "Connection {Id}: handler for '{Type}' failed")]
    public static partial void HandlerFailed(ILogger logger, long id, string type, Exception exception);

    [LoggerMessage(404, LogLevel.Debug, "Connection {Id}: handler for '{Type}' answered with error {Code}: {Message}")]
    public static partial void ReplyError(ILogger logger, long id, string code, string type, string message);

    [LoggerMessage(405, LogLevel.Debug, "Connection {Id}: handler for '{Type}' cancelled, the connection is closing")]
    public static partial void HandlerCancelled(ILogger logger, long id, string type);
}
