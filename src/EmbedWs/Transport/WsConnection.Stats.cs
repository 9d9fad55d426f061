using System;
using System.Threading;

namespace EmbedWs.Transport;

internal sealed partial class WsConnection
{
    // Counted per connection so that no counter is shared between connections: each is written
    // by one thread at a time (the read loop, or a sender under the send lock) and read now and
    // then by a snapshot or a metrics collection. Interlocked keeps the 64-bit values whole on
    // 32-bit platforms; uncontended, it costs a few nanoseconds and takes no lock.
    private long _messagesReceived;
    private long _messagesSent;
    private long _bytesReceived;
    private long _bytesSent;

    /// <summary>When the handshake completed, from <see cref="TransportSettings.TimeProvider"/>.</summary>
    internal DateTimeOffset ConnectedAt { get; private set; }

    /// <summary>Messages and bytes of this connection so far.</summary>
    internal WsTraffic Traffic => new(
        Interlocked.Read(ref _messagesReceived), Interlocked.Read(ref _messagesSent),
        Interlocked.Read(ref _bytesReceived), Interlocked.Read(ref _bytesSent));
}
