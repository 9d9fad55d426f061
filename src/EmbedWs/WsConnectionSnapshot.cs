using System;
using System.Net;
using EmbedWs.Transport;

namespace EmbedWs;

/// <summary>
/// One connection as it was when <see cref="WsServer.GetSnapshot"/> was called: for a host's
/// status page. Immutable.
/// </summary>
public sealed class WsConnectionSnapshot
{
    internal WsConnectionSnapshot(long id, IPEndPoint? remoteEndPoint, string path, WsConnectionState state,
        DateTimeOffset connectedAt, TimeSpan? roundTripTime, int sendQueueBytes, int inboundQueueBytes,
        long messagesReceived, long messagesSent, long bytesReceived, long bytesSent,
        bool isCongested = false, long messagesDropped = 0, long messagesReplaced = 0)
    {
        IsCongested = isCongested;
        MessagesDropped = messagesDropped;
        MessagesReplaced = messagesReplaced;
        Id = id;
        RemoteEndPoint = remoteEndPoint;
        Path = path;
        State = state;
        ConnectedAt = connectedAt;
        RoundTripTime = roundTripTime;
        SendQueueBytes = sendQueueBytes;
        InboundQueueBytes = inboundQueueBytes;
        MessagesReceived = messagesReceived;
        MessagesSent = messagesSent;
        BytesReceived = bytesReceived;
        BytesSent = bytesSent;
    }

    /// <summary>The connection's <see cref="IWsConnection.Id"/>.</summary>
    public long Id { get; }

    /// <summary>The client's address and port.</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>The request path of the handshake, e.g. <c>/chat</c>.</summary>
    public string Path { get; }

    /// <summary>The state then: open, closing (a close frame was sent or received), or closed when it was just ending.</summary>
    public WsConnectionState State { get; }

    /// <summary>When the handshake completed (from <see cref="WsServerOptions.TimeProvider"/>).</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>The last round-trip time the heartbeat measured; null until one was measured.</summary>
    public TimeSpan? RoundTripTime { get; }

    /// <summary>Bytes queued to send or being written (compare with <see cref="WsServerOptions.MaxSendQueueBytes"/>).</summary>
    public int SendQueueBytes { get; }

    /// <summary>
    /// Bytes of received messages waiting for the handlers, plus 64 per waiting event, as counted
    /// against <see cref="WsServerOptions.MaxInboundQueueBytes"/>; always 0 with Inline dispatch.
    /// </summary>
    public int InboundQueueBytes { get; }

    /// <summary>Text and binary messages received.</summary>
    public long MessagesReceived { get; }

    /// <summary>Text and binary messages queued to send (broadcasts included).</summary>
    public long MessagesSent { get; }

    /// <summary>Bytes read after the handshake: whole frames, headers and control frames included.</summary>
    public long BytesReceived { get; }

    /// <summary>Bytes written after the handshake: whole frames, headers and control frames included.</summary>
    public long BytesSent { get; }

    /// <summary>True when more than <see cref="WsServerOptions.SendQueueSoftLimitBytes"/> waited to be sent (see <see cref="IWsConnection.IsCongested"/>).</summary>
    public bool IsCongested { get; }

    /// <summary>Droppable and latest-by-key messages not queued (see <see cref="IWsConnection.MessagesDropped"/>).</summary>
    public long MessagesDropped { get; }

    /// <summary>Latest-by-key messages replaced in the queue by a newer one (see <see cref="IWsConnection.MessagesReplaced"/>).</summary>
    public long MessagesReplaced { get; }
}
