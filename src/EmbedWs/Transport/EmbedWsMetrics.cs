using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading;

namespace EmbedWs.Transport;

/// <summary>
/// One server's instruments, on a Meter of its own named <c>EmbedWs</c>
/// (docs/metrics-and-logging.md), and the counts that <c>WsServer.GetSnapshot</c> reads. Safe from any thread.
/// </summary>
/// <remarks>
/// Nothing is recorded per message: each connection counts its own messages and bytes
/// (no shared cache line, no lock), and the observable instruments ask the server for the
/// sums only when a listener collects. Events that are rare (open, close, refusal, drop, routing error)
/// are plain counters; a counter with no listener costs a field read.
/// One Meter per server rather than a static one: each server's Meter is disposed when it
/// stops, and a test listening to one server is not disturbed by servers of other tests.
/// OpenTelemetry merges identical instruments of same-named meters into one stream.
/// </remarks>
internal sealed partial class EmbedWsMetrics : IDisposable
{
    /// <summary>The name of every server's Meter: <c>AddMeter("EmbedWs")</c>, <c>dotnet-counters --counters EmbedWs</c>.</summary>
    public const string MeterName = "EmbedWs";

    public const string CloseCauseTag = "embedws.close.cause";
    public const string StatusCodeTag = "http.response.status_code";
    public const string ErrorCodeTag = "embedws.error.code";
    public const string HandlerEventTag = "embedws.handler.event";

    // Indexed by WsCloseCause; the values of the embedws.close.cause tag.
    private static readonly string[] s_causeNames =
    {
        "client_closed", "server_closed", "protocol_error", "message_too_big", "slow_consumer",
        "heartbeat_timeout", "aborted", "connection_lost", "server_stopping", "policy_violation",
        "handler_timeout",
    };

    private long _opened;
    private long _closed;
    private long _rejected;

    private readonly Meter _meter;
    private readonly Counter<long> _openedCounter;
    private readonly Counter<long> _closedCounter;
    private readonly Counter<long> _rejectedCounter;
    private readonly Counter<long> _sendQueueDrops;
    private readonly Counter<long> _slowConsumerCloses;
    private readonly Counter<long> _heartbeatTimeouts;
    private readonly Counter<long> _routingErrors;
    private readonly Histogram<double> _handlerDuration;

    /// <param name="active">The number of open connections, read when a listener collects.</param>
    /// <param name="traffic">The server's traffic so far (ended and open connections), read when a listener collects.</param>
    public EmbedWsMetrics(Func<int> active, Func<WsTraffic> traffic)
    {
        _meter = new Meter(MeterName, typeof(EmbedWsMetrics).Assembly.GetName().Version?.ToString());

        _meter.CreateObservableUpDownCounter("embedws.connections.active", () => (long)active(),
            "{connection}", "Open WebSocket connections.");
        _openedCounter = _meter.CreateCounter<long>("embedws.connections.opened", "{connection}", "Connections that completed the opening handshake.");
        _closedCounter = _meter.CreateCounter<long>("embedws.connections.closed", "{connection}", "Connections that ended, by embedws.close.cause.");
        _rejectedCounter = _meter.CreateCounter<long>("embedws.handshakes.rejected", "{handshake}", "Handshakes answered with an HTTP error status, by http.response.status_code.");
        _meter.CreateObservableCounter("embedws.messages.received", () => traffic().MessagesReceived, "{message}", "Text and binary messages received.");
        _meter.CreateObservableCounter("embedws.messages.sent", () => traffic().MessagesSent, "{message}", "Text and binary messages queued to send.");
        _meter.CreateObservableCounter("embedws.bytes.received", () => traffic().BytesReceived, "By", "Bytes read after the handshake (frames, headers included).");
        _meter.CreateObservableCounter("embedws.bytes.sent", () => traffic().BytesSent, "By", "Bytes written after the handshake (frames, headers included).");
        _sendQueueDrops = _meter.CreateCounter<long>("embedws.send_queue.drops", "{message}", "Messages not queued because the connection's send queue was full.");
        _slowConsumerCloses = _meter.CreateCounter<long>("embedws.slow_consumer.closes", "{connection}", "Connections closed because they did not read (1008).");
        _heartbeatTimeouts = _meter.CreateCounter<long>("embedws.heartbeat.timeouts", "{connection}", "Connections the heartbeat found dead.");
        _routingErrors = _meter.CreateCounter<long>("embedws.routing.errors", "{message}", "JSON messages answered with a routing error, by embedws.error.code.");
        _handlerDuration = CreateHandlerDuration(_meter);
    }

    /// <summary>The server's Meter (tests listen to this one).</summary>
    public Meter Meter => _meter;

    public long ConnectionsOpened => Interlocked.Read(ref _opened);

    public long ConnectionsClosed => Interlocked.Read(ref _closed);

    public long HandshakesRejected => Interlocked.Read(ref _rejected);

    /// <summary>A connection completed its handshake.</summary>
    public void Opened()
    {
        Interlocked.Increment(ref _opened);
        _openedCounter.Add(1);
    }

    /// <summary>A connection ended: counts the close by its cause.</summary>
    public void Ended(WsCloseInfo close)
    {
        Interlocked.Increment(ref _closed);
        _closedCounter.Add(1, new KeyValuePair<string, object?>(CloseCauseTag, CauseName(close.Cause)));
        if (close.Cause == WsCloseCause.SlowConsumer)
        {
            _slowConsumerCloses.Add(1);
        }
        else if (close.Cause == WsCloseCause.HeartbeatTimeout)
        {
            _heartbeatTimeouts.Add(1);
        }
    }

    /// <summary>A handshake was answered with an HTTP error status instead of 101.</summary>
    public void HandshakeRejected(int status)
    {
        Interlocked.Increment(ref _rejected);
        if (_rejectedCounter.Enabled)
        {
            _rejectedCounter.Add(1, new KeyValuePair<string, object?>(StatusCodeTag, status));
        }
    }

    /// <summary>A message was refused because the send queue was full.</summary>
    public void SendQueueDropped() => _sendQueueDrops.Add(1);

    /// <summary>The JSON router answered a message with an error.</summary>
    public void RoutingError(string code) => _routingErrors.Add(1, new KeyValuePair<string, object?>(ErrorCodeTag, code));

    /// <summary>A start time for <see cref="HandlerFinished"/>; 0 (nothing measured) when no one listens.</summary>
    public long HandlerStarting() => _handlerDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records a handler's duration; <paramref name="handlerEvent"/> is "connect", "message" or "close".</summary>
    public void HandlerFinished(long started, string handlerEvent)
    {
        if (started != 0)
        {
            double seconds = (Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency;
            _handlerDuration.Record(seconds, new KeyValuePair<string, object?>(HandlerEventTag, handlerEvent));
        }
    }

    /// <summary>The value of the <c>embedws.close.cause</c> tag for a cause.</summary>
    public static string CauseName(WsCloseCause cause) =>
        (uint)cause < (uint)s_causeNames.Length ? s_causeNames[(int)cause] : "unknown";

    /// <summary>Ends the instruments (the server stopped); the totals stay readable.</summary>
    public void Dispose() => _meter.Dispose();

    private static Histogram<double> CreateHandlerDuration(Meter meter)
    {
        const string name = "embedws.handler.duration", unit = "s", description = "How long the application's handlers ran, by embedws.handler.event.";
#if NET9_0_OR_GREATER
        // Handlers are short: buckets from 50 µs to 10 s instead of the exporters' millisecond defaults.
        return meter.CreateHistogram<double>(name, unit, description, tags: null, advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = new[] { 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 },
        });
#else
        return meter.CreateHistogram<double>(name, unit, description);
#endif
    }
}

/// <summary>Messages and bytes in and out; one connection's, or a server's total.</summary>
internal readonly struct WsTraffic
{
    public WsTraffic(long messagesReceived, long messagesSent, long bytesReceived, long bytesSent)
    {
        MessagesReceived = messagesReceived;
        MessagesSent = messagesSent;
        BytesReceived = bytesReceived;
        BytesSent = bytesSent;
    }

    public long MessagesReceived { get; }

    public long MessagesSent { get; }

    public long BytesReceived { get; }

    public long BytesSent { get; }

    public WsTraffic Add(in WsTraffic other) => new(
        MessagesReceived + other.MessagesReceived, MessagesSent + other.MessagesSent,
        BytesReceived + other.BytesReceived, BytesSent + other.BytesSent);
}
