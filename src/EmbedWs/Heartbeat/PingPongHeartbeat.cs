using System;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;

namespace EmbedWs.Heartbeat;

/// <summary>
/// Ping after silence, dead after an unanswered timeout; protocol pings or JSON pings.
/// See <see cref="HeartbeatPolicy.PingPong"/> and <see cref="HeartbeatPolicy.JsonPingPong"/>.
/// </summary>
internal sealed class PingPongHeartbeat : IHeartbeatPolicy
{
    private readonly TimeSpan _interval;
    private readonly TimeSpan _timeout;
    private readonly bool _json;

    public PingPongHeartbeat(TimeSpan interval, TimeSpan timeout, bool json)
    {
        _interval = HeartbeatPolicy.Positive(interval, nameof(interval));
        _timeout = HeartbeatPolicy.Positive(timeout, nameof(timeout));
        _json = json;
        TickInterval = HeartbeatPolicy.TickFor(interval < timeout ? interval : timeout);
    }

    public TimeSpan TickInterval { get; }

    public void OnTick(HeartbeatPeer peer)
    {
        var state = peer.State as PingState ?? (PingState)(peer.State = new PingState());
        long now = peer.Time.GetTimestamp();
        long token;
        lock (state)
        {
            if (state.Awaiting)
            {
                // Any traffic after the ping proves the peer alive, even without the pong.
                if (peer.LastReceivedTimestamp > state.SentAt)
                {
                    state.Awaiting = false;
                }
                else if (peer.Time.GetElapsedTime(state.SentAt, now) >= _timeout)
                {
                    state.Awaiting = false;
                    peer.Kill();
                    return;
                }
                else
                {
                    return;
                }
            }

            if (peer.Time.GetElapsedTime(peer.LastReceivedTimestamp, now) < _interval)
            {
                return;
            }

            token = ++state.Token;
            state.SentAt = now;
            state.Awaiting = true;
        }

        if (_json)
        {
            peer.SendText("{\"type\":\"ping\",\"id\":" + token.ToString(CultureInfo.InvariantCulture) + "}");
        }
        else
        {
            Span<byte> payload = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(payload, token);
            peer.SendPing(payload);
        }
    }

    public void OnPong(HeartbeatPeer peer, ReadOnlySpan<byte> payload)
    {
        if (!_json && payload.Length == 8)
        {
            Answered(peer, BinaryPrimitives.ReadInt64BigEndian(payload));
        }
    }

    public void OnJsonPong(HeartbeatPeer peer, ReadOnlySpan<byte> id)
    {
        if (_json && Utf8Parser.TryParse(id, out long token, out int used) && used == id.Length)
        {
            Answered(peer, token);
        }
    }

    private static void Answered(HeartbeatPeer peer, long token)
    {
        if (peer.State is not PingState state)
        {
            return;
        }

        lock (state)
        {
            if (token == state.Token && state.SentAt != 0)
            {
                peer.ReportRoundTrip(peer.Time.GetElapsedTime(state.SentAt));
                state.Awaiting = false;
            }
        }
    }

    private sealed class PingState
    {
        public long Token;
        public long SentAt;
        public bool Awaiting;
    }
}
