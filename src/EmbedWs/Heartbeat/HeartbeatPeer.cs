using System;
using EmbedWs.Protocol;
using EmbedWs.Transport;

namespace EmbedWs.Heartbeat;

/// <summary>One connection as a heartbeat policy sees it. A small view; do not keep it.</summary>
public readonly struct HeartbeatPeer
{
    private readonly WsConnection _connection;

    internal HeartbeatPeer(WsConnection connection, TimeProvider time)
    {
        _connection = connection;
        Time = time;
    }

    /// <summary>The connection.</summary>
    public IWsConnection Connection => _connection;

    /// <summary>The server's clock (fake in tests).</summary>
    public TimeProvider Time { get; }

    /// <summary>The timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last bytes received: any traffic counts.</summary>
    public long LastReceivedTimestamp => _connection.LastReceivedTimestamp;

    /// <summary>How long the peer has been silent.</summary>
    public TimeSpan SinceLastReceived => Time.GetElapsedTime(_connection.LastReceivedTimestamp);

    /// <summary>The policy's per-connection state; null until the policy sets it.</summary>
    public object? State
    {
        get => _connection.HeartbeatState;
        set => _connection.HeartbeatState = value;
    }

    /// <summary>Sends a protocol ping (at most 125 bytes of payload); false when the connection no longer sends.</summary>
    /// <param name="payload">The ping payload, echoed by the client's pong.</param>
    public bool SendPing(ReadOnlySpan<byte> payload) => _connection.SendPing(payload);

    /// <summary>Sends a text message; false when the connection no longer sends.</summary>
    /// <param name="text">The text.</param>
    public bool SendText(string text) => _connection.Enqueue(WsOpcode.Text, default, text);

    /// <summary>Records a measured round-trip time; it shows as <see cref="IWsConnection.RoundTripTime"/>.</summary>
    /// <param name="roundTrip">The time from a ping to its answer.</param>
    public void ReportRoundTrip(TimeSpan roundTrip) => _connection.RoundTripTime = roundTrip;

    /// <summary>
    /// Declares the peer dead: the connection is closed with 1001 "heartbeat timeout" (the
    /// socket is dropped if the peer does not answer within CloseTimeout), and OnClose reports
    /// <see cref="WsCloseCause.HeartbeatTimeout"/>.
    /// </summary>
    public void Kill() => _connection.StartClose(WsCloseCodes.GoingAway, "heartbeat timeout", WsCloseCause.HeartbeatTimeout);
}
