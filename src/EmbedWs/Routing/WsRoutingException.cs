using System;

namespace EmbedWs;

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
