using System;
using Microsoft.Extensions.Logging;

namespace EmbedWs;

/// <summary>Log lines of the server facade, with stable event ids (2xx).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(200, LogLevel.Information, "Server started on {EndPoints}")]
    public static partial void Started(ILogger logger, string endPoints);

    [LoggerMessage(201, LogLevel.Information, "Server stopping: closing {Count} connections")]
    public static partial void Stopping(ILogger logger, int count);

    [LoggerMessage(202, LogLevel.Information, "Server stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(203, LogLevel.Debug, "Connection {Id} opened from {Remote} on {Path}")]
    public static partial void Opened(ILogger logger, long id, string? remote, string path);

    [LoggerMessage(204, LogLevel.Debug, "Connection {Id} closed: {Close}")]
    public static partial void Closed(ILogger logger, long id, string close);

    [LoggerMessage(205, LogLevel.Error, "Handler {Handler} failed for connection {Id}")]
    public static partial void HandlerFailed(ILogger logger, string handler, long id, Exception exception);

    [LoggerMessage(206, LogLevel.Error, "An OnError handler threw")]
    public static partial void ErrorHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(207, LogLevel.Warning, "Stop timed out: dropping {Count} connections")]
    public static partial void StopDropping(ILogger logger, int count);

    [LoggerMessage(208, LogLevel.Debug, "Handler {Handler} cancelled for connection {Id}: the connection is closing")]
    public static partial void HandlerCancelled(ILogger logger, string handler, long id);

    [LoggerMessage(210, LogLevel.Warning, "Connection {Id}: a handler ran longer than HandlerTimeout ({Timeout}); closing with 1011 (the handler keeps its place: the next event waits for it)")]
    public static partial void HandlerTimedOut(ILogger logger, long id, TimeSpan timeout);

    [LoggerMessage(220, LogLevel.Warning, "Connection {Id} passed its rate limit ({Messages} messages/s, {Bytes} bytes/s; 0 is none): {Policy}")]
    public static partial void RateLimited(ILogger logger, long id, int messages, int bytes, WsRateLimitPolicy policy);

    [LoggerMessage(230, LogLevel.Warning, "Network simulation is on for every connection: {Conditions}. For development only: what the server sends is delayed and droppable messages are lost on purpose")]
    public static partial void ServerSimulated(ILogger logger, string conditions);

    [LoggerMessage(231, LogLevel.Warning, "Network simulation for connection {Id}: {Conditions}")]
    public static partial void ConnectionSimulated(ILogger logger, long id, string conditions);

    [LoggerMessage(209, LogLevel.Warning, "Stop: after the drops, {Connections} connections are still open and {Events} events still wait or run: a handler ignores IWsConnection.Closed; its connection's OnClose follows when it returns")]
    public static partial void StopLeftRunning(ILogger logger, int connections, int events);
}
