using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Threading;

namespace EmbedWs.Transport;

// The instruments of the delivery classes, of backpressure (docs/sending.md) and of the inbound rate limits: drops and
// replacements are rare next to sends and counted when they happen; the queued bytes and the
// congested connections are read from the connections only when a listener collects.
internal sealed partial class EmbedWsMetrics
{
    public const string DeliveryTag = "embedws.delivery";
    public const string RateLimitPolicyTag = "embedws.rate_limit.policy";

    private long _messagesDropped;
    private long _messagesReplaced;
    private long _messagesRateLimited;
    private Counter<long>? _droppedCounter;
    private Counter<long>? _replacedCounter;
    private Counter<long>? _rateLimitedCounter;

    /// <summary>Droppable and latest-by-key messages not queued, on every connection so far.</summary>
    public long MessagesDropped => Interlocked.Read(ref _messagesDropped);

    /// <summary>Latest-by-key messages replaced in a queue, on every connection so far.</summary>
    public long MessagesReplaced => Interlocked.Read(ref _messagesReplaced);

    /// <summary>Received messages past their connection's rate limit, so far.</summary>
    public long MessagesRateLimited => Interlocked.Read(ref _messagesRateLimited);

    /// <summary>Creates the sending (and inbound rate limit) instruments; <paramref name="queues"/> sums the open connections' queues when a listener collects.</summary>
    public void ObserveSending(Func<SendQueueTotals> queues)
    {
        _droppedCounter = _meter.CreateCounter<long>("embedws.messages.dropped", "{message}",
            "Droppable and latest-by-key messages not queued because the connection was congested, by embedws.delivery.");
        _replacedCounter = _meter.CreateCounter<long>("embedws.messages.replaced", "{message}",
            "Latest-by-key messages replaced in a send queue by a newer one with the same key.");
        _rateLimitedCounter = _meter.CreateCounter<long>("embedws.messages.rate_limited", "{message}",
            "Messages past their connection's rate limit, by embedws.rate_limit.policy.");
        _meter.CreateObservableUpDownCounter("embedws.send_queue.bytes", () => queues().QueuedBytes, "By",
            "Bytes waiting in the open connections' send queues.");
        _meter.CreateObservableUpDownCounter("embedws.connections.congested", () => (long)queues().Congested, "{connection}",
            "Open connections whose send queue is above SendQueueSoftLimitBytes.");
    }

    /// <summary>A droppable or latest-by-key message was not queued.</summary>
    public void MessageDropped(WsDeliveryKind kind)
    {
        Interlocked.Increment(ref _messagesDropped);
        if (_droppedCounter is { Enabled: true } counter)
        {
            counter.Add(1, new KeyValuePair<string, object?>(DeliveryTag, kind == WsDeliveryKind.Latest ? "latest" : "droppable"));
        }
    }

    /// <summary>A received message was past its connection's rate limit.</summary>
    public void MessageRateLimited(WsRateLimitPolicy policy)
    {
        Interlocked.Increment(ref _messagesRateLimited);
        if (_rateLimitedCounter is { Enabled: true } counter)
        {
            counter.Add(1, new KeyValuePair<string, object?>(RateLimitPolicyTag,
                policy == WsRateLimitPolicy.ErrorReply ? "error_reply" : policy == WsRateLimitPolicy.Drop ? "drop" : "close"));
        }
    }

    /// <summary>A latest-by-key message replaced an older one in a queue.</summary>
    public void MessageReplaced()
    {
        Interlocked.Increment(ref _messagesReplaced);
        _replacedCounter?.Add(1);
    }
}

/// <summary>The open connections' send queues, summed.</summary>
internal readonly struct SendQueueTotals
{
    public SendQueueTotals(long queuedBytes, int congested)
    {
        QueuedBytes = queuedBytes;
        Congested = congested;
    }

    public long QueuedBytes { get; }

    public int Congested { get; }
}
