using System;

namespace EmbedWs;

// The send queue's soft mark: where droppable messages stop and a connection counts as congested.
public sealed partial class WsServerOptions
{
    private int? _sendQueueSoftLimitBytes;

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
