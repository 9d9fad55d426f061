namespace EmbedWs;

/// <summary>Why a connection ended.</summary>
public enum WsCloseCause
{
    /// <summary>The client sent a close frame first; the code and reason are the client's.</summary>
    ClientClosed,
    /// <summary>The application called Close.</summary>
    ServerClosed,
    /// <summary>The client broke RFC 6455 (1002) or sent text that is not UTF-8 (1007).</summary>
    ProtocolError,
    /// <summary>A message was larger than MaxMessageSize (1009).</summary>
    MessageTooBig,
    /// <summary>The client did not read and the send queue overflowed (1008).</summary>
    SlowConsumer,
    /// <summary>The heartbeat policy found the peer dead.</summary>
    HeartbeatTimeout,
    /// <summary>The application called Abort.</summary>
    Aborted,
    /// <summary>The TCP connection ended or was reset without a close frame (1006).</summary>
    ConnectionLost,
    /// <summary>The server is stopping (1001).</summary>
    ServerStopping,
    /// <summary>
    /// The client broke one of the server's limits on how it sends (1008): a message in more
    /// frames than MaxFragmentsPerMessage, or one that stayed incomplete past MessageReadTimeout.
    /// </summary>
    PolicyViolation,
    /// <summary>A handler ran longer than HandlerTimeout (1011 "handler timeout").</summary>
    HandlerTimeout,
}

/// <summary>How a connection ended: the close code and reason, and the cause.</summary>
public sealed class WsCloseInfo
{
    /// <summary>Creates a close description.</summary>
    /// <param name="code">The close code (1006 when no close frame was exchanged).</param>
    /// <param name="reason">The reason text, empty when none.</param>
    /// <param name="cause">Why the connection ended.</param>
    public WsCloseInfo(ushort code, string reason, WsCloseCause cause)
    {
        Code = code;
        Reason = reason;
        Cause = cause;
    }

    /// <summary>
    /// The close code: the client's for <see cref="WsCloseCause.ClientClosed"/> (1005 when its
    /// close frame had none), the one the server sent otherwise, 1006 when the TCP connection
    /// ended without a closing handshake.
    /// </summary>
    public ushort Code { get; }

    /// <summary>The close reason, empty when none was given.</summary>
    public string Reason { get; }

    /// <summary>Why the connection ended.</summary>
    public WsCloseCause Cause { get; }

    /// <inheritdoc/>
    public override string ToString() => Reason.Length == 0 ? $"{Code} ({Cause})" : $"{Code} {Reason} ({Cause})";
}
