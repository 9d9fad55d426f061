using System;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Heartbeat;

/// <summary>
/// Ping after silence, dead after an unanswered timeout; protocol pings or JSON pings.
/// See <see cref="Heartbeat.PingPong"/> and <see cref="Heartbeat.JsonPingPong"/>.
/// </summary>
internal sealed class PingPongHeartbeat : IHeartbeatPolicy
{
    // JSON pings are tiny; anything longer is an application message and is not parsed here.
    private const int MaxJsonPingLength = 256;

    private readonly TimeSpan _interval;
    private readonly TimeSpan _timeout;
    private readonly bool _json;

    public PingPongHeartbeat(TimeSpan interval, TimeSpan timeout, bool json)
    {
        _interval = Heartbeat.Positive(interval, nameof(interval));
        _timeout = Heartbeat.Positive(timeout, nameof(timeout));
        _json = json;
        TickInterval = Heartbeat.TickFor(interval < timeout ? interval : timeout);
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

    public bool OnText(HeartbeatPeer peer, ReadOnlySpan<byte> utf8)
    {
        if (!_json || utf8.Length > MaxJsonPingLength || !TryReadPing(utf8, out bool isPing, out JToken? id))
        {
            return false;
        }

        if (isPing)
        {
            var reply = new JObject { ["type"] = "pong" };
            if (id is not null)
            {
                reply["id"] = id;
            }

            peer.SendText(reply.ToString(Formatting.None));
        }
        else if (id is { Type: JTokenType.Integer })
        {
            Answered(peer, id.Value<long>());
        }

        return true;
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

    /// <summary>True for <c>{"type":"ping"}</c> or <c>{"type":"pong"}</c>, with an optional id.</summary>
    private static bool TryReadPing(ReadOnlySpan<byte> utf8, out bool isPing, out JToken? id)
    {
        isPing = false;
        id = null;
        bool ping = utf8.IndexOf("\"ping\""u8) >= 0;
        if (!ping && utf8.IndexOf("\"pong\""u8) < 0)
        {
            return false;
        }

        JObject obj;
        try
        {
            obj = JObject.Parse(Encoding.UTF8.GetString(utf8));
        }
        catch (JsonException)
        {
            return false;
        }

        var type = obj["type"];
        if (type is not { Type: JTokenType.String })
        {
            return false;
        }

        string name = type.Value<string>()!;
        if (name != "ping" && name != "pong")
        {
            return false;
        }

        isPing = name == "ping";
        id = obj["id"];
        return true;
    }

    private sealed class PingState
    {
        public long Token;
        public long SentAt;
        public bool Awaiting;
    }
}
