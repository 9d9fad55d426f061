using System;
using System.Collections.Concurrent;
using System.Threading;
using EmbedWs.Transport;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Heartbeat;

/// <summary>
/// One timer for the whole server: each tick asks the policy about every open connection.
/// Exceptions from the policy are logged and never stop the timer.
/// </summary>
internal sealed class HeartbeatDriver : IDisposable
{
    private readonly IHeartbeatPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, WsConnection> _connections;
    private readonly ILogger _logger;
    private ITimer? _timer;
    private int _ticking;

    public HeartbeatDriver(IHeartbeatPolicy policy, TimeProvider time, ConcurrentDictionary<long, WsConnection> connections, ILogger logger)
    {
        _policy = policy;
        _time = time;
        _connections = connections;
        _logger = logger;
    }

    public void Start()
    {
        var interval = _policy.TickInterval;
        if (interval == Timeout.InfiniteTimeSpan || interval <= TimeSpan.Zero)
        {
            return;
        }

        _timer = _time.CreateTimer(static s => ((HeartbeatDriver)s!).Tick(), this, interval, interval);
    }

    /// <summary>One pass over all connections. Overlapping ticks are skipped, not stacked.</summary>
    internal void Tick()
    {
        if (Interlocked.Exchange(ref _ticking, 1) != 0)
        {
            return;
        }

        try
        {
            foreach (var pair in _connections)
            {
                var c = pair.Value;
                if (c.State == WsConnectionState.Open)
                {
                    try
                    {
                        _policy.OnTick(new HeartbeatPeer(c, _time));
                    }
                    catch (Exception ex)
                    {
                        HeartbeatLog.PolicyFailed(_logger, c.Id, ex);
                    }
                }
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    public void OnPong(WsConnection connection, ReadOnlySpan<byte> payload)
    {
        try
        {
            _policy.OnPong(new HeartbeatPeer(connection, _time), payload);
        }
        catch (Exception ex)
        {
            HeartbeatLog.PolicyFailed(_logger, connection.Id, ex);
        }
    }

    /// <summary>True when the policy consumed the message (its own JSON ping or pong).</summary>
    public bool OnText(WsConnection connection, ReadOnlySpan<byte> utf8)
    {
        try
        {
            return _policy.OnText(new HeartbeatPeer(connection, _time), utf8);
        }
        catch (Exception ex)
        {
            HeartbeatLog.PolicyFailed(_logger, connection.Id, ex);
            return false;
        }
    }

    public void Dispose() => _timer?.Dispose();
}
