using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs;

/// <summary>
/// One WebSocket connection. Every member is safe to call from any thread; messages sent to one
/// connection leave in the order they were sent and never interleave.
/// </summary>
/// <remarks>
/// Sends only queue: <see cref="Send(string)"/> copies the message into the connection's send
/// queue and returns at once; the bytes leave soon after (with other messages queued meanwhile,
/// in one socket write). <see cref="FlushAsync"/> waits until everything queued so far was
/// handed to the socket. When a client does not read and its queue passes
/// <c>MaxSendQueueBytes</c>, the connection is closed with 1008 (slow consumer).
/// </remarks>
public interface IWsConnection
{
    /// <summary>A number unique within the server's lifetime, starting at 1.</summary>
    long Id { get; }

    /// <summary>What the client sent in its handshake, and the endpoints.</summary>
    WsConnectionInfo Info { get; }

    /// <summary>Where the connection is in its life: open, closing (a close frame sent or received), closed or aborted.</summary>
    WsConnectionState State { get; }

    /// <summary>
    /// Per-connection user state, for example the user name found in the accept hook.
    /// Safe from any thread.
    /// </summary>
    IDictionary<string, object?> Items { get; }

    /// <summary>
    /// The last round-trip time measured by the heartbeat (a ping and its matching pong), or
    /// null until one was measured.
    /// </summary>
    TimeSpan? RoundTripTime { get; }

    /// <summary>
    /// Cancelled as soon as the connection stops being open: a close frame was sent or received
    /// (<see cref="Close"/>, the server stopping, a protocol error, the heartbeat, a handler that
    /// passed <c>HandlerTimeout</c>), or the connection was aborted or lost. Pass it to the async
    /// work of a handler (<c>await Task.Delay(t, conn.Closed)</c>) so that the work ends with the
    /// connection and <c>StopAsync</c> does not wait for it. An <see cref="OperationCanceledException"/>
    /// that a handler throws once the connection is closing is not reported as an error.
    /// Callbacks registered on it run on the thread pool.
    /// </summary>
    CancellationToken Closed { get; }

    /// <summary>
    /// Queues a text message. True when queued; false when the connection is closing or closed,
    /// or its send queue is full (then it is being closed as a slow consumer).
    /// </summary>
    /// <param name="text">The text; sent as UTF-8.</param>
    bool Send(string text);

    /// <summary>Queues a binary message; as <see cref="Send(string)"/>. The bytes are copied (or written) before it returns.</summary>
    /// <param name="data">The message payload.</param>
    bool Send(ReadOnlyMemory<byte> data);

    /// <summary>
    /// Queues the JSON message <c>{"type":type,"data":data}</c>, serialized with the server's
    /// <c>JsonSerializer</c>; as <see cref="Send(string)"/> otherwise.
    /// </summary>
    /// <param name="type">The message type, e.g. <c>chat.message</c>.</param>
    /// <param name="data">The payload; null sends <c>"data":null</c>.</param>
    bool SendJson(string type, object? data);

    /// <summary>
    /// Queues a text message with a delivery class (<see cref="WsDelivery"/>): reliable (as
    /// <see cref="Send(string)"/>), droppable (not queued while the connection is congested), or
    /// latest by key (replaces the older message with the same key still waiting in the queue).
    /// True when queued; false when the connection is closing or closed, or the message was
    /// dropped (counted in <see cref="MessagesDropped"/>). Only a reliable send can close the
    /// connection as a slow consumer.
    /// </summary>
    /// <param name="text">The text; sent as UTF-8.</param>
    /// <param name="delivery">How the message is queued when the client reads slowly.</param>
    bool Send(string text, WsDelivery delivery);

    /// <summary>Queues a binary message with a delivery class; as <see cref="Send(string, WsDelivery)"/>. The bytes are copied before it returns.</summary>
    /// <param name="data">The message payload.</param>
    /// <param name="delivery">How the message is queued when the client reads slowly.</param>
    bool Send(ReadOnlyMemory<byte> data, WsDelivery delivery);

    /// <summary>Queues the JSON message <c>{"type":type,"data":data}</c> with a delivery class; as <see cref="Send(string, WsDelivery)"/>.</summary>
    /// <param name="type">The message type, e.g. <c>player.moved</c>.</param>
    /// <param name="data">The payload; null sends <c>"data":null</c>.</param>
    /// <param name="delivery">How the message is queued when the client reads slowly.</param>
    bool SendJson(string type, object? data, WsDelivery delivery);

    /// <summary>Bytes queued to send or being written now (replaced latest-by-key messages not counted).</summary>
    int SendQueueBytes { get; }

    /// <summary>
    /// True while more than <c>SendQueueSoftLimitBytes</c> wait in the send queue: the client reads
    /// slower than the server sends. Droppable messages are not queued meanwhile.
    /// </summary>
    bool IsCongested { get; }

    /// <summary>Droppable and latest-by-key messages this connection did not queue (it was congested, or its queue full).</summary>
    long MessagesDropped { get; }

    /// <summary>Latest-by-key messages taken out of this connection's queue by a newer one with the same key.</summary>
    long MessagesReplaced { get; }

    /// <summary>
    /// Completes with true once the send queue is at or under <c>SendQueueSoftLimitBytes</c> (at
    /// once when it is), or with false when the connection ended first: a producer (a game tick,
    /// a log streamer) paces itself with it. Completions run on the thread pool.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<bool> WhenUncongestedAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes when everything queued before the call has been handed to the socket (true), or
    /// when the connection ended first (false). Completes at once when nothing is queued.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the bytes still leave).</param>
    ValueTask<bool> FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts the closing handshake (RFC 6455 §7.1.2): queues a close frame and returns; the server
    /// then waits, up to <c>CloseTimeout</c>, for the client's close frame and the end of TCP.
    /// <c>OnClose</c> reports the end. Does nothing when the connection is already closing.
    /// </summary>
    /// <param name="code">A close code valid on the wire (1000-1003, 1007-1014, 3000-4999).</param>
    /// <param name="reason">An optional reason, cut to fit 123 bytes of UTF-8.</param>
    void Close(ushort code = WsCloseCodes.NormalClosure, string? reason = null);

    /// <summary>Drops the TCP connection at once, without a closing handshake.</summary>
    void Abort();
}
