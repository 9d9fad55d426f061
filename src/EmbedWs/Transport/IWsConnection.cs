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
