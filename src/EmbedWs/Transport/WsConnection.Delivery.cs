using System;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Transport;

// Sends with a delivery class (docs/sending.md), and what the queue tells about congestion.
internal sealed partial class WsConnection
{
    /// <summary>Queues a data frame with a delivery class; false when it was not queued (refused, or dropped and counted).</summary>
    public bool Send(in OutgoingFrame frame, WsDelivery delivery, bool fanOut = false)
    {
        if (delivery.IsReliable)
        {
            return Send(frame, fanOut);
        }

        // Compressed only when each message is compressed alone: with context takeover, a frame
        // taken out of the queue would break the client's inflater (RFC 7692 §7.1.1.1).
        return _deflate is { } deflate && deflate.Parameters.ServerNoContextTakeover && !frame.IsEncoded && deflate.ShouldCompress(frame.PayloadLength)
            ? SendCompressed(frame, deflate, fanOut, delivery)
            : Deliver(frame, delivery, fanOut);
    }

    /// <summary>Droppable and latest-by-key messages not queued (the simulated link's included).</summary>
    internal long MessagesDropped => _outbox.MessagesDropped + Interlocked.Read(ref _simulatedDrops);

    /// <summary>Latest-by-key messages replaced by a newer one while they waited.</summary>
    internal long MessagesReplaced => _outbox.MessagesReplaced;

    /// <summary>True while the queued bytes are above SendQueueSoftLimitBytes.</summary>
    internal bool IsCongested => _outbox.IsCongested;

    /// <summary>Completes with true once the queued bytes are at or under the soft mark, with false when the connection ended first.</summary>
    internal Task<bool> WhenUncongestedAsync() => _outbox.WhenUncongestedAsync();

    /// <summary>
    /// The one write primitive, with a delivery class; drops and replacements are counted for the
    /// metrics. A data frame of a connection under network simulation takes the simulated link first.
    /// </summary>
    private bool Deliver(in OutgoingFrame frame, WsDelivery delivery, bool fanOut)
    {
        if (_link is { } link && frame.IsData)
        {
            return Simulate(link, frame, delivery);
        }

        return DeliverNow(frame, delivery, fanOut);
    }

    private bool DeliverNow(in OutgoingFrame frame, WsDelivery delivery, bool fanOut)
    {
        if (delivery.IsReliable)
        {
            return _outbox.Write(frame, fanOut);
        }

        switch (_outbox.Write(frame, delivery, fanOut))
        {
            case DeliveryResult.Queued:
                return true;
            case DeliveryResult.Replaced:
                _shared.Metrics?.MessageReplaced();
                return true;
            case DeliveryResult.Dropped:
                _shared.Metrics?.MessageDropped(delivery.Kind);
                return false;
            default:
                return false;
        }
    }
}
