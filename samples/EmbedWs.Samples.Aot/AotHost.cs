using System;
using System.Globalization;
using System.Net;

namespace EmbedWs.Samples.Aot;

/// <summary>The server the sample runs: echo on every path, typed routes on /rpc, rooms as groups.</summary>
public static class AotHost
{
    public const string RpcPath = "/rpc";

    public static WsServer Create(int port, IHeartbeatPolicy heartbeat)
    {
        var server = new WsServer(new WsServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, port),
            Heartbeat = heartbeat,
            JsonSerializer = new SystemTextJsonWsSerializer(AotJsonContext.Default),
            RoutePath = RpcPath,
        });

        // Every path but /rpc: what comes is sent back as it came, text or binary.
        server.OnMessage += (conn, msg) => _ = msg.IsText ? conn.Send(msg.Text) : conn.Send(msg.Data);

        server.Route<AddRequest, AddReply>("math.add", (conn, r) => new AddReply(r.A + r.B));
        server.Route<RoomJoin, RoomJoined>("room.join", (conn, r) =>
        {
            server.Groups.Add(conn, r.Room);
            return new RoomJoined(r.Room, server.Groups.Count(r.Room));
        });
        server.Route<RoomSay>("room.say", (conn, r) => server.Groups.SendJson(r.Room, "room.message", new RoomMessage(conn.Id, r.Text)));
        return server;
    }

    /// <summary><c>--port N</c> (default 8080), <c>--heartbeat-interval S</c> and <c>--heartbeat-timeout S</c> (protocol ping/pong).</summary>
    public static bool TryParse(string[] args, out int port, out IHeartbeatPolicy heartbeat, out string? error)
    {
        port = 8080;
        TimeSpan? interval = null;
        TimeSpan? timeout = null;
        heartbeat = HeartbeatPolicy.PingPong();
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p <= 65535:
                    port = p;
                    break;
                case "--heartbeat-interval" when Seconds(value) is { } s:
                    interval = s;
                    break;
                case "--heartbeat-timeout" when Seconds(value) is { } s:
                    timeout = s;
                    break;
                default:
                    error = $"Unknown or bad argument '{args[i]}'. Usage: EmbedWs.Samples.Aot [--port N] [--heartbeat-interval S] [--heartbeat-timeout S]";
                    return false;
            }

            i++;
        }

        heartbeat = HeartbeatPolicy.PingPong(interval, timeout);
        return true;
    }

    private static TimeSpan? Seconds(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 ? TimeSpan.FromSeconds(s) : null;
}
