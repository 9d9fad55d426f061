using System;
using System.Collections.Concurrent;
using System.Threading;

namespace EmbedWs.Transport;

/// <summary>
/// One timer for the whole server that closes connections whose incomplete message or control
/// frame has waited longer than MessageReadTimeout for the client's bytes (a slowloris inside
/// frames). Each connection only keeps the timestamp of when its incomplete message began; this
/// sweep compares, so there is no timer per connection and nothing per frame on the read path.
/// </summary>
internal sealed class MessageReadTimeoutSweep : IDisposable
{
    private static readonly TimeSpan s_minPeriod = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_maxPeriod = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, WsConnection> _connections;
    private ITimer? _timer;
    private int _sweeping;

    public MessageReadTimeoutSweep(TimeSpan timeout, TimeProvider time, ConcurrentDictionary<long, WsConnection> connections)
    {
        _timeout = timeout;
        _time = time;
        _connections = connections;
    }

    /// <summary>How often the sweep runs: a quarter of the timeout, from 10 ms to 1 s.</summary>
    public TimeSpan Period
    {
        get
        {
            var quarter = TimeSpan.FromTicks(_timeout.Ticks / 4);
            return quarter < s_minPeriod ? s_minPeriod : quarter > s_maxPeriod ? s_maxPeriod : quarter;
        }
    }

    public void Start()
    {
        if (_timeout == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        _timer = _time.CreateTimer(static s => ((MessageReadTimeoutSweep)s!).Sweep(), this, Period, Period);
    }

    /// <summary>One pass over all connections. Overlapping passes are skipped, not stacked.</summary>
    internal void Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            long now = _time.GetTimestamp();
            foreach (var pair in _connections)
            {
                long since = pair.Value.IncompleteSince;
                if (since != 0 && _time.GetElapsedTime(since, now) > _timeout)
                {
                    pair.Value.OnMessageReadTimeout();
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    public void Dispose() => _timer?.Dispose();
}
