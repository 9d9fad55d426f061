using System;
using System.Collections.Concurrent;
using System.Threading;
using EmbedWs.Transport;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Heartbeat;

/// <summary>
/// One timer for the whole server: each tick asks the policy about every open connection.
/// Exceptions from the policy are logged and reported, and never stop the timer nor the
/// other connections' turn.
/// </summary>
internal sealed class HeartbeatDriver : IDisposable
{
    private readonly IHeartbeatPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, WsConnection> _connections;
    private readonly ILogger _logger;
    private readonly Action<IWsConnection, Exception>? _onPolicyError;
    private ITimer? _timer;
    private int _ticking;

    // onPolicyError is told of each exception the policy throws, after it is logged: the
    // server raises OnError with it.
    public HeartbeatDriver(IHeartbeatPolicy policy, TimeProvider time, ConcurrentDictionary<long, WsConnection> connections, ILogger logger,
        Action<IWsConnection, Exception>? onPolicyError = null)
    {
        _onPolicyError = onPolicyError;
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
                        PolicyFailed(c, ex);
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
            PolicyFailed(connection, ex);
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
            PolicyFailed(connection, ex);
            return false;
        }
    }

    public void Dispose() => _timer?.Dispose();

    private void PolicyFailed(WsConnection connection, Exception exception)
    {
        HeartbeatLog.PolicyFailed(_logger, connection.Id, exception);
        try
        {
            _onPolicyError?.Invoke(connection, exception);
        }
        catch (Exception ex)
        {
            // The reporter is the server's and contains OnError; this is a last guard for the timer.
            HeartbeatLog.PolicyFailed(_logger, connection.Id, ex);
        }
    }
}
