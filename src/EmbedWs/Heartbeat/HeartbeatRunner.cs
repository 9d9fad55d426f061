using System;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Heartbeat;

/// <summary>
/// Calls the server's heartbeat policy for one connection at a time (the server's tick, and the
/// read loops for pongs). An exception from the policy is logged and reported, and never stops
/// the tick nor the other connections' turn. Safe from any thread (as the policy must be).
/// </summary>
internal sealed class HeartbeatRunner
{
    private readonly IHeartbeatPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<IWsConnection, Exception> _onPolicyError;

    /// <param name="policy">The policy.</param>
    /// <param name="time">The server's clock.</param>
    /// <param name="logger">Where failures are logged.</param>
    /// <param name="onPolicyError">Told of each exception the policy throws, after it is logged (the server raises OnError).</param>
    public HeartbeatRunner(IHeartbeatPolicy policy, TimeProvider time, ILogger logger, Action<IWsConnection, Exception> onPolicyError)
    {
        _policy = policy;
        _time = time;
        _logger = logger;
        _onPolicyError = onPolicyError;
    }

    /// <summary>How often the policy wants its tick; infinite for never.</summary>
    public TimeSpan TickInterval => _policy.TickInterval;

    public void OnTick(IHeartbeatTarget target)
    {
        try
        {
            _policy.OnTick(new HeartbeatPeer(target, _time));
        }
        catch (Exception ex)
        {
            Failed(target, ex);
        }
    }

    public void OnPong(IHeartbeatTarget target, ReadOnlySpan<byte> payload)
    {
        try
        {
            _policy.OnPong(new HeartbeatPeer(target, _time), payload);
        }
        catch (Exception ex)
        {
            Failed(target, ex);
        }
    }

    public void OnJsonPong(IHeartbeatTarget target, ReadOnlySpan<byte> id)
    {
        try
        {
            _policy.OnJsonPong(new HeartbeatPeer(target, _time), id);
        }
        catch (Exception ex)
        {
            Failed(target, ex);
        }
    }

    private void Failed(IHeartbeatTarget target, Exception exception)
    {
        HeartbeatLog.PolicyFailed(_logger, target.Connection.Id, exception);
        try
        {
            _onPolicyError(target.Connection, exception);
        }
        catch (Exception ex)
        {
            // The reporter is the server's and contains OnError; this is a last guard for the tick.
            HeartbeatLog.PolicyFailed(_logger, target.Connection.Id, ex);
        }
    }
}
