using System;
using System.Collections.Generic;

namespace EmbedWs;

/// <summary>
/// A server's counts and open connections at one moment, from <see cref="WsServer.GetSnapshot"/>:
/// for a host's status page or a log line. Immutable. The totals are the same figures the
/// <c>EmbedWs</c> Meter reports (docs/metrics-and-logging.md).
/// </summary>
public sealed class WsServerSnapshot
{
    internal WsServerSnapshot(DateTimeOffset timestamp, int activeConnections, long connectionsOpened, long connectionsClosed,
        long handshakesRejected, long messagesReceived, long messagesSent, long bytesReceived, long bytesSent, int groups,
        IReadOnlyList<WsConnectionSnapshot> connections)
    {
        Timestamp = timestamp;
        ActiveConnections = activeConnections;
        ConnectionsOpened = connectionsOpened;
        ConnectionsClosed = connectionsClosed;
        HandshakesRejected = handshakesRejected;
        MessagesReceived = messagesReceived;
        MessagesSent = messagesSent;
        BytesReceived = bytesReceived;
        BytesSent = bytesSent;
        Groups = groups;
        Connections = connections;
    }

    /// <summary>When the snapshot was taken (from <see cref="WsServerOptions.TimeProvider"/>).</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Connections open (or closing) when the snapshot was taken.</summary>
    public int ActiveConnections { get; }

    /// <summary>Connections that completed the handshake since the server started.</summary>
    public long ConnectionsOpened { get; }

    /// <summary>Connections that ended since the server started.</summary>
    public long ConnectionsClosed { get; }

    /// <summary>Handshakes answered with an HTTP error status (400, 403, 426, 503, the accept hook's, ...).</summary>
    public long HandshakesRejected { get; }

    /// <summary>Text and binary messages received, over all connections since start.</summary>
    public long MessagesReceived { get; }

    /// <summary>Text and binary messages queued to send, over all connections since start.</summary>
    public long MessagesSent { get; }

    /// <summary>Bytes read after handshakes (whole frames), over all connections since start.</summary>
    public long BytesReceived { get; }

    /// <summary>Bytes written after handshakes (whole frames), over all connections since start.</summary>
    public long BytesSent { get; }

    /// <summary>Groups that have members.</summary>
    public int Groups { get; }

    /// <summary>Droppable and latest-by-key messages not queued, on every connection so far (docs/sending.md).</summary>
    public long MessagesDropped { get; internal init; }

    /// <summary>Latest-by-key messages replaced in a send queue by a newer one, on every connection so far.</summary>
    public long MessagesReplaced { get; internal init; }

    /// <summary>The open connections, by id.</summary>
    public IReadOnlyList<WsConnectionSnapshot> Connections { get; }
}
