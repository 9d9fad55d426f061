using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Transport;

/// <summary>
/// One open WebSocket connection. Every member is safe to call from any thread; messages sent
/// to one connection leave in the order <c>SendAsync</c> was called and never interleave.
/// </summary>
public interface IWsConnection
{
    /// <summary>A number unique within the server's lifetime, starting at 1.</summary>
    long Id { get; }

    /// <summary>What the client sent in its handshake, and the endpoints.</summary>
    WsConnectionInfo Info { get; }

    /// <summary>Open, closing (a close frame was sent or received) or closed.</summary>
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
    /// (<see cref="CloseAsync"/>, the server stopping, a protocol error, the heartbeat), or the
    /// connection was aborted or lost. Pass it to the async work of a handler
    /// (<c>await Task.Delay(t, conn.Closed)</c>) so that the work ends with the connection and
    /// <c>StopAsync</c> does not wait for it. An <see cref="OperationCanceledException"/> that a
    /// handler throws once the connection is closing is not reported as an error. Callbacks
    /// registered on it run on the thread pool.
    /// </summary>
    CancellationToken Closed { get; }

    /// <summary>
    /// Queues a text message. Completes at once with true when queued, false when the
    /// connection is closing or closed. When the client does not read and the send queue is
    /// over <c>MaxSendQueueBytes</c>, the connection is closed with 1008 (slow consumer).
    /// </summary>
    /// <param name="text">The text; sent as UTF-8.</param>
    ValueTask<bool> SendAsync(string text);

    /// <summary>Queues a binary message; as <see cref="SendAsync(string)"/>. The bytes are copied before it returns.</summary>
    /// <param name="data">The message payload.</param>
    ValueTask<bool> SendAsync(ReadOnlyMemory<byte> data);

    /// <summary>
    /// Starts the closing handshake (RFC 6455 §7.1.2): sends a close frame and waits, up to
    /// <c>CloseTimeout</c>, for the client's, then closes the socket. Returns once the close frame
    /// is queued; <c>OnClose</c> reports the end. Does nothing when already closing.
    /// </summary>
    /// <param name="code">A close code valid on the wire (1000-1003, 1007-1014, 3000-4999).</param>
    /// <param name="reason">An optional reason, cut to fit 123 bytes of UTF-8.</param>
    ValueTask CloseAsync(ushort code = 1000, string? reason = null);

    /// <summary>Drops the TCP connection at once, without a closing handshake.</summary>
    void Abort();
}
