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

    [LoggerMessage(402, LogLevel.Warning, "Connection {Id}: handler for '{Type}' timed out: {Message}")]
    public static partial void HandlerTimedOut(ILogger logger, long id, string type, string message);

    [LoggerMessage(403, LogLevel.Debug, "A handler that had timed out failed later")]
    public static partial void LateHandlerFailure(ILogger logger, Exception exception);

    [LoggerMessage(404, LogLevel.Debug, "Connection {Id}: handler for '{Type}' answered with error {Code}: {Message}")]
    public static partial void ReplyError(ILogger logger, long id, string code, string type, string message);

    [LoggerMessage(405, LogLevel.Debug, "Connection {Id}: handler for '{Type}' cancelled, the connection is closing")]
    public static partial void HandlerCancelled(ILogger logger, long id, string type);
}

/// <summary>Raised on OnError when routing could not handle a message; <see cref="Code"/> is the reply's error code.</summary>
public sealed class WsRoutingException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">One of <see cref="WsRoutingErrors"/>.</param>
    /// <param name="type">The message type, empty when unknown.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="inner">The handler's exception, for handler_error.</param>
    public WsRoutingException(string code, string type, string message, Exception? inner = null)
        : base($"{code}: {message}", inner)
    {
        Code = code;
        MessageType = type;
    }

    /// <summary>The error code (<see cref="WsRoutingErrors"/>).</summary>
    public string Code { get; }

    /// <summary>The envelope's "type", empty when it could not be read.</summary>
    public string MessageType { get; }
}

/// <summary>
/// Thrown by a route handler to answer with an application error:
/// <c>{"type":"error","id":...,"error":{"code":Code,"message":Message}}</c>. Unlike other
/// exceptions its message is always sent (write it for the client), and it is not raised on
/// OnError: it is an answer, not a failure.
/// </summary>
public sealed class WsReplyException : Exception
{
    /// <summary>Creates the answer.</summary>
    /// <param name="code">A stable code the client can switch on, e.g. "name_taken".</param>
    /// <param name="message">Text for the client.</param>
    public WsReplyException(string code, string message)
        : base(message)
    {
        if (string.IsNullOrEmpty(code))
        {
            throw new ArgumentException("An error reply needs a code.", nameof(code));
        }

        Code = code;
    }

    /// <summary>The error code sent to the client.</summary>
    public string Code { get; }
}
