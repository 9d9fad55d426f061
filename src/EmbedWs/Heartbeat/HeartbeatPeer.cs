using System;

namespace EmbedWs;

/// <summary>One connection as a heartbeat policy sees it. A small view; do not keep it.</summary>
public readonly struct HeartbeatPeer
{
    private readonly IHeartbeatTarget _target;

    internal HeartbeatPeer(IHeartbeatTarget target, TimeProvider time)
    {
        _target = target;
        Time = time;
    }

    /// <summary>The connection.</summary>
    public IWsConnection Connection => _target.Connection;

    /// <summary>The server's clock (fake in tests).</summary>
    public TimeProvider Time { get; }

    /// <summary>The timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last bytes received: any traffic counts.</summary>
    public long LastReceivedTimestamp => _target.LastReceivedTimestamp;

    /// <summary>How long the peer has been silent.</summary>
    public TimeSpan SinceLastReceived => Time.GetElapsedTime(_target.LastReceivedTimestamp);

    /// <summary>The policy's per-connection state; null until the policy sets it.</summary>
    public object? State
    {
        get => _target.HeartbeatState;
        set => _target.HeartbeatState = value;
    }

    /// <summary>Sends a protocol ping (at most 125 bytes of payload); false when the connection no longer sends.</summary>
    /// <param name="payload">The ping payload, echoed by the client's pong.</param>
    public bool SendPing(ReadOnlySpan<byte> payload) => _target.SendPing(payload);

    /// <summary>Sends a text message; false when the connection no longer sends.</summary>
    /// <param name="text">The text.</param>
    public bool SendText(string text) => _target.Connection.Send(text);

    /// <summary>Records a measured round-trip time; it shows as <see cref="IWsConnection.RoundTripTime"/>.</summary>
    /// <param name="roundTrip">The time from a ping to its answer.</param>
    public void ReportRoundTrip(TimeSpan roundTrip) => _target.RoundTripTime = roundTrip;

    /// <summary>
    /// Declares the peer dead: the connection is closed with 1001 "heartbeat timeout" (the
    /// socket is dropped if the peer does not answer within CloseTimeout), and OnClose reports
    /// <see cref="WsCloseCause.HeartbeatTimeout"/>.
    /// </summary>
    public void Kill() => _target.Kill();
}

/// <summary>What a heartbeat policy may do to a connection; the server's per-connection state implements it.</summary>
internal interface IHeartbeatTarget
{
    IWsConnection Connection { get; }

    long LastReceivedTimestamp { get; }

    object? HeartbeatState { get; set; }

    TimeSpan? RoundTripTime { get; set; }

    bool SendPing(ReadOnlySpan<byte> payload);

    void Kill();
}
