using System;
using System.Buffers.Binary;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Redis;

namespace EmbedWs.Benchmarks.Servers;

/// <summary>
/// EmbedWs through its public API only, as a user would write it: default options (Inline
/// dispatch: handlers run on the connection's read loop and are awaited there) except that the
/// heartbeat is off, as it is for the other servers. Mode "echo-async" echoes through an async
/// handler that awaits a completed task, to show what awaiting costs. <see cref="BenchSettings"/>
/// may turn compression on (every other compression option its default) or choose
/// System.Text.Json for the routes; <c>GET /stats</c> answers the bytes allocated and the
/// messages replaced (latest by key). Mode "fanout-latest" broadcasts with
/// <c>WsDelivery.Latest(key)</c>, the key being the message's first 8 bytes (little-endian: the
/// load generator's sequence number) modulo <see cref="LatestKeys"/>. With
/// <c>--backplane redis=HOST:PORT</c> the server is a node of a cluster on that Redis
/// (<see cref="RedisBackplane"/>, its defaults but a fixed channel prefix and node id): the
/// fan-out's broadcast reaches the other nodes' connections too.
/// </summary>
internal static class EmbedWsBenchServer
{
    /// <summary>fanout-latest: the number of keys; a slow subscriber holds at most this many messages in its queue.</summary>
    internal const int LatestKeys = 64;

    public static async Task RunAsync(int port, string mode, BenchSettings settings, CancellationToken stop)
    {
        await using var backplane = settings.Redis is null ? null : new RedisBackplane(new RedisBackplaneOptions
        {
            ConnectionString = settings.Redis,
            ChannelPrefix = BenchSettings.ChannelPrefix,
            NodeId = $"node-{port}",
        });
        WsServer? self = null;
        var server = new WsServer(new WsServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, port),
            Heartbeat = HeartbeatPolicy.None,
            Compression = settings.Compression,
            CompressionLevel = settings.CompressionLevel,
            JsonSerializer = settings.JsonSerializer(),
            HttpHandler = info => new ValueTask<WsHttpResponse?>(
                info.Path == "/stats" ? new WsHttpResponse(200, "application/json", BenchSettings.StatsJson(self?.GetSnapshot().MessagesReplaced ?? 0)) : null),
            Backplane = backplane,
            SocketSendBufferBytes = settings.SendBuffer,
        });
        self = server;
        Wire(server, mode);

        await server.StartAsync();
        if (backplane is not null)
        {
            // The backplane connects in the background: "ready" only once it listens on Redis
            // (the broadcast channel and the node's own), or the first messages would not reach it.
            await WaitForAsync(() => backplane.IsConnected && backplane.SubscribedChannels >= 2, stop);
        }

        Program.Ready("embedws", mode, server.Port);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (TaskCanceledException)
        {
        }

        await server.StopAsync();
    }

    private static async Task WaitForAsync(Func<bool> condition, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>The handlers of each mode; the mount bench server uses the same.</summary>
    internal static void Wire(WsServer server, string mode)
    {
        switch (mode)
        {
            case "echo":
                // Binary is echoed without a copy out of the receive buffer; text has to go
                // through a string, as the public API has no "send these UTF-8 bytes as text".
                server.OnMessage += (c, m) => _ = m.IsText ? c.Send(m.Text) : c.Send(m.Data);
                break;
            case "echo-async":
                server.OnMessage += async (c, m) =>
                {
                    await Task.CompletedTask;
                    _ = m.IsText ? c.Send(m.Text) : c.Send(m.Data);
                };
                break;
            case "fanout":
                // Encoded once, queued to every other connection (with a backplane, also published
                // once for the other nodes, which send it to all of theirs): SignalR's Clients.Others.
                server.OnMessage += (c, m) => server.Broadcast(m.Data, except: c);
                break;
            case "fanout-latest":
                // A newer message with the same key replaces the one still waiting for a slow subscriber.
                server.OnMessage += (c, m) =>
                {
                    long key = m.Data.Length >= 8 ? BinaryPrimitives.ReadInt64LittleEndian(m.Data.Span) % LatestKeys : 0;
                    server.Broadcast(m.Data, WsDelivery.Latest(key), except: c);
                };
                break;
            case "route":
                server.Route<AddRequest, AddReply>("math.add", (c, r) => new AddReply(r.A + r.B));
                break;
        }
    }
}
