using System;
using System.Diagnostics.Metrics;
using System.Threading;

namespace EmbedWs.Redis;

/// <summary>
/// The backplane's counts, and their instruments on a Meter named <c>EmbedWs.Redis</c>
/// (one per backplane, disposed with it, as the server's own Meter). Safe from any thread.
/// </summary>
internal sealed class RedisMetrics : IDisposable
{
    public const string MeterName = "EmbedWs.Redis";

    private readonly Meter _meter;
    private long _published;
    private long _received;
    private long _lost;
    private long _dropped;

    public RedisMetrics(Func<bool> connected)
    {
        _meter = new Meter(MeterName, typeof(RedisMetrics).Assembly.GetName().Version?.ToString());
        _meter.CreateObservableCounter("embedws.redis.published", () => Published, "{message}", "Messages published to the other nodes.");
        _meter.CreateObservableCounter("embedws.redis.received", () => Received, "{message}", "Messages from other nodes delivered to this node's connections.");
        _meter.CreateObservableCounter("embedws.redis.lost", () => Lost, "{message}", "Messages for other nodes not published: Redis was not connected.");
        _meter.CreateObservableCounter("embedws.redis.dropped", () => Dropped, "{message}", "Messages received that could not be read (another format version, a bad frame).");
        _meter.CreateObservableUpDownCounter("embedws.redis.connected", () => connected() ? 1 : 0, null, "1 while cross-node delivery works, 0 while Redis is not connected.");
    }

    public long Published => Interlocked.Read(ref _published);

    public long Received => Interlocked.Read(ref _received);

    public long Lost => Interlocked.Read(ref _lost);

    public long Dropped => Interlocked.Read(ref _dropped);

    public void OnPublished() => Interlocked.Increment(ref _published);

    public void OnReceived() => Interlocked.Increment(ref _received);

    public void OnLost() => Interlocked.Increment(ref _lost);

    public void OnDropped() => Interlocked.Increment(ref _dropped);

    public void Dispose() => _meter.Dispose();
}
