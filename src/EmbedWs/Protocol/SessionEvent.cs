using System;

namespace EmbedWs.Protocol;

/// <summary>Where a session sends the control frames its rules call for: the connection's outbox.</summary>
internal interface IControlFrameSink
{
    /// <summary>
    /// Queues a ping, pong or close frame. A close frame is always taken (it may pass a full
    /// queue) and is the last frame of the connection: nothing is queued after it.
    /// </summary>
    void SendControl(WsOpcode opcode, ReadOnlySpan<byte> payload);
}

/// <summary>What <see cref="WsSession.Receive"/> found in the bytes it was given.</summary>
internal enum SessionEvent : byte
{
    /// <summary>Every whole frame was used; what is left from <c>consumed</c> on is a partial header.</summary>
    NeedMore,

    /// <summary>A text or binary message to hand up; its payload is valid until the next call.</summary>
    Message,

    /// <summary>A pong (for the heartbeat).</summary>
    Pong,

    /// <summary>The client's close frame, answered (or the answer to ours): read nothing more, end TCP once the outbox is drained.</summary>
    CloseReceived,

    /// <summary>The client broke the protocol; a close frame with the error's code is queued. End TCP once the outbox is drained.</summary>
    ProtocolError,
}

/// <summary>A deadline the server's tick found passed (<see cref="WsSession.CheckDeadlines"/>).</summary>
internal enum SessionDeadline : byte
{
    None,

    /// <summary>A message stayed incomplete too long: the session started a close with 1008; end TCP once drained.</summary>
    ReadTimeout,

    /// <summary>The closing handshake took too long: drop the socket.</summary>
    CloseTimeout,
}
