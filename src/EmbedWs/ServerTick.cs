using System;
using System.Threading;

namespace EmbedWs;

/// <summary>
/// The server's one timer for every deadline of every connection: the heartbeat policy's tick,
/// a message incomplete past MessageReadTimeout, a closing handshake past CloseTimeout, a handler
/// past HandlerTimeout. Each connection keeps its deadlines as timestamps in fields; each tick
/// compares them with the clock, so there is no timer per connection and nothing per message.
/// (The handshake's own timeout runs before there is a connection to tick: it is the listener's.)
/// </summary>
internal sealed class ServerTick : IDisposable
{
    private static readonly TimeSpan s_minPeriod = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_maxPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_refillPeriod = TimeSpan.FromMilliseconds(100);

    private readonly WsServer _server;
    private readonly TimeProvider _time;
    private readonly long _handlerTimeout;
    private readonly long _heartbeatInterval;
    private long _nextHeartbeat;
    private readonly bool _rateLimits;
    private long _lastRefill;
    private IDisposable? _timer;
    private int _ticking;

    public ServerTick(WsServer server, WsSettings settings)
    {
        _server = server;
        _time = settings.TimeProvider;
        _handlerTimeout = settings.TimestampTicks(settings.HandlerTimeout);
        var heartbeat = settings.Heartbeat.TickInterval;
        bool heartbeatOn = heartbeat != Timeout.InfiniteTimeSpan && heartbeat > TimeSpan.Zero;
        _heartbeatInterval = heartbeatOn ? settings.TimestampTicks(heartbeat) : 0;

        // Often enough for each deadline to act within about a quarter of its length.
        var period = Timeout.InfiniteTimeSpan;
        period = Shortest(period, QuarterOf(settings.MessageReadTimeout));
        period = Shortest(period, QuarterOf(settings.CloseTimeout));
        period = Shortest(period, QuarterOf(settings.HandlerTimeout));
        period = settings.DashboardPath is null ? period : Shortest(period, s_maxPeriod); // the dashboard's update, about once a second
        period = server.Backplane is null ? period : Shortest(period, s_maxPeriod);        // presence refresh
        period = heartbeatOn ? Shortest(period, heartbeat) : period;

        // Rate limits' buckets are refilled in tenths of a second (docs/rate-limits.md).
        _rateLimits = settings.MaxMessagesPerSecond > 0 || settings.MaxBytesPerSecond > 0;
        Period = _rateLimits ? Shortest(period, s_refillPeriod) : period;
    }

    /// <summary>How often the tick runs; infinite when nothing needs it.</summary>
    public TimeSpan Period { get; }

    public void Start()
    {
        if (Period != Timeout.InfiniteTimeSpan)
        {
            _nextHeartbeat = _time.GetTimestamp() + _heartbeatInterval;
            _lastRefill = _time.GetTimestamp();
            // The system clock's timer directly: on netstandard2.1 TimeProvider.System.CreateTimer
            // is the Microsoft.Bcl.TimeProvider backport's, whose timer type does not load on Mono
            // 6.8 (it needs System.Threading.Tasks.Extensions, which Mono does not ship; see
            // docs/engines-and-aot.md). A fake clock in tests still gets its own timer.
            _timer = ReferenceEquals(_time, TimeProvider.System)
                ? new Timer(static s => ((ServerTick)s!).Tick(), this, Period, Period)
                : _time.CreateTimer(static s => ((ServerTick)s!).Tick(), this, Period, Period);
        }
    }

    public void Dispose() => _timer?.Dispose();

    /// <summary>One pass over all connections. Overlapping ticks are skipped, not stacked.</summary>
    internal void Tick()
    {
        if (Interlocked.Exchange(ref _ticking, 1) != 0)
        {
            return;
        }

        try
        {
            long now = _time.GetTimestamp();
            bool heartbeat = _heartbeatInterval != 0 && now - _nextHeartbeat >= 0;
            if (heartbeat)
            {
                _nextHeartbeat = now + _heartbeatInterval;
            }

            double refill = 0;
            if (_rateLimits)
            {
                refill = (now - _lastRefill) / (double)_time.TimestampFrequency;
                _lastRefill = now;
            }

            foreach (var pair in _server.ConnectionTable)
            {
                var connection = pair.Value;
                connection.RateLimit?.Refill(refill);
                connection.Transport.CheckDeadlines(now);
                if (_handlerTimeout != 0 && connection.CheckHandlerDeadline(now, _handlerTimeout))
                {
                    ServerLog.HandlerTimedOut(_server.Logger, connection.Id, _server.Settings.HandlerTimeout);
                }

                // While its read loop waits for a handler nothing is read, pongs included: the
                // heartbeat waits too (HandlerTimeout bounds the handler instead).
                if (heartbeat && connection.State == WsConnectionState.Open && !connection.Transport.IsReadPaused)
                {
                    _server.Heartbeat.OnTick(connection);
                }
            }

            _server.Dashboard?.OnTick(now);
            _server.Backplane?.OnTick();
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    private static TimeSpan QuarterOf(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return timeout;
        }

        var quarter = TimeSpan.FromTicks(timeout.Ticks / 4);
        return quarter < s_minPeriod ? s_minPeriod : quarter > s_maxPeriod ? s_maxPeriod : quarter;
    }

    private static TimeSpan Shortest(TimeSpan a, TimeSpan b) =>
        a == Timeout.InfiniteTimeSpan ? b : b == Timeout.InfiniteTimeSpan ? a : a < b ? a : b;
}
