using System;

namespace EmbedWs;

// The send queue's soft mark: where droppable messages stop and a connection counts as congested;
// and the kernel's send buffer in front of it.
public sealed partial class WsServerOptions
{
    private int? _sendQueueSoftLimitBytes;
    private int? _socketSendBufferBytes;

    /// <summary>
    /// The operating system's send buffer (SO_SNDBUF) of each connection the server's listener
    /// accepts, in bytes (1 KiB to 16 MiB); null (the default) leaves the system's, which on Linux
    /// grows with the connection up to 4 MiB (<c>net.ipv4.tcp_wmem</c>). What the kernel took is
    /// out of reach: it can no longer be dropped or replaced. Set it small (16 KiB, say) when you
    /// send droppable or latest-by-key state to clients that may read slowly, so that their backlog
    /// waits in EmbedWs's queue, where a newer value replaces an older one, instead of in the
    /// kernel's, where it leaves as it is (docs/sending.md). Linux doubles the value for its own
    /// bookkeeping. Not applied to connections mounted in ASP.NET Core: Kestrel owns their sockets.
    /// </summary>
    public int? SocketSendBufferBytes
    {
        get => _socketSendBufferBytes;
        set => Set(ref _socketSendBufferBytes, value is { } v ? InRange(v, 1024, 16 * 1024 * 1024, nameof(SocketSendBufferBytes)) : null);
    }

    /// <summary>
    /// The soft mark of each connection's send queue, below <see cref="MaxSendQueueBytes"/>: while
    /// more bytes than this wait, the connection is congested (<see cref="IWsConnection.IsCongested"/>),
    /// droppable messages are not queued (<see cref="WsDelivery.Droppable"/>), and
    /// <see cref="IWsConnection.WhenUncongestedAsync"/> waits. Null (the default) for a quarter of
    /// <see cref="MaxSendQueueBytes"/> (256 KiB with the default 1 MiB). A value that is not below
    /// <see cref="MaxSendQueueBytes"/> makes <c>StartAsync</c> throw.
    /// </summary>
    public int? SendQueueSoftLimitBytes
    {
        get => _sendQueueSoftLimitBytes;
        set => Set(ref _sendQueueSoftLimitBytes, value is { } v ? InRange(v, 1, int.MaxValue / 2, nameof(SendQueueSoftLimitBytes)) : null);
    }

    private int ResolveSendQueueSoftLimit()
    {
        if (_sendQueueSoftLimitBytes is not { } soft)
        {
            return _maxSendQueueBytes / 4;
        }

        if (soft >= _maxSendQueueBytes)
        {
            throw new InvalidOperationException(
                $"SendQueueSoftLimitBytes ({soft}) must be below MaxSendQueueBytes ({_maxSendQueueBytes}).");
        }

        return soft;
    }
}
