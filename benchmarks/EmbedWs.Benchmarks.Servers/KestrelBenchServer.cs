using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Benchmarks.Servers;

/// <summary>
/// The reference: Kestrel with ASP.NET Core's WebSockets middleware, default options, written
/// the way the ASP.NET Core docs write an echo server (a 4 KiB buffer per connection, grown only
/// for a longer message). Logging is at Warning so no per-connection log line is paid for.
/// With <c>--compression on</c> it accepts permessage-deflate offers
/// (<see cref="WebSocketAcceptContext.DangerousEnableCompression"/>, without server context
/// takeover as EmbedWs's default; the runtime's deflater has no level or threshold setting).
/// <c>GET /stats</c> answers the bytes allocated.
/// </summary>
internal static class KestrelBenchServer
{
    private const int SmallBuffer = 4 * 1024;
    private const int MaxMessage = 1024 * 1024;
    private static readonly ConcurrentDictionary<long, Subscriber> s_subscribers = new();
    private static long s_nextId;

    public static async Task RunAsync(int port, string mode, BenchSettings settings, CancellationToken stop)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.UseWebSockets();
        var accept = new WebSocketAcceptContext { DangerousEnableCompression = settings.Compression, DisableServerContextTakeover = true };
        app.Run(async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                if (context.Request.Path == "/stats")
                {
                    var body = BenchSettings.StatsJson();
                    context.Response.ContentType = "application/json";
                    context.Response.ContentLength = body.Length;
                    await context.Response.Body.WriteAsync(body);
                    return;
                }

                context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
                return;
            }

            using var ws = await context.WebSockets.AcceptWebSocketAsync(accept);
            try
            {
                await (mode switch
                {
                    "fanout" => FanoutAsync(ws),
                    "route" => ServeAsync(ws, RouteAsync),
                    _ => ServeAsync(ws, static (w, m, t, _) => w.SendAsync(m, t, true, default)),
                });
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or System.IO.IOException)
            {
                // The load generator ends every connection with a TCP reset.
            }
        });

        await app.StartAsync(stop);
        Program.Ready("kestrel", mode, port);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (TaskCanceledException)
        {
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await app.StopAsync(grace.Token);
    }

    private delegate ValueTask MessageHandler(WebSocket ws, ReadOnlyMemory<byte> message, WebSocketMessageType type, object? state);

    /// <summary>Receives whole messages (assembled when longer than the buffer) and hands each to <paramref name="handler"/>.</summary>
    private static async Task ServeAsync(WebSocket ws, MessageHandler handler, object? state = null)
    {
        byte[] small = new byte[SmallBuffer];
        byte[] buffer = small;
        int filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (buffer.Length >= MaxMessage)
                {
                    await ws.CloseAsync(WebSocketCloseStatus.MessageTooBig, null, default);
                    return;
                }

                var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, filled).CopyTo(bigger);
                if (buffer != small)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                buffer = bigger;
            }

            var result = await ws.ReceiveAsync(buffer.AsMemory(filled), default);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, default);
                return;
            }

            filled += result.Count;
            if (!result.EndOfMessage)
            {
                continue;
            }

            await handler(ws, buffer.AsMemory(0, filled), result.MessageType, state);
            filled = 0;
            if (buffer != small)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = small;
            }
        }
    }

    /// <summary>
    /// Every message is copied once and posted to each other connection's channel; one writer
    /// loop per connection sends them, one SendAsync per message, so sends never overlap.
    /// </summary>
    private static async Task FanoutAsync(WebSocket ws)
    {
        var me = new Subscriber(Interlocked.Increment(ref s_nextId), ws);
        s_subscribers[me.Id] = me;
        var writer = me.WriteLoopAsync();
        try
        {
            await ServeAsync(ws, static (_, message, type, state) =>
            {
                var sender = (Subscriber)state!;
                var copy = message.ToArray();
                foreach (var pair in s_subscribers)
                {
                    if (pair.Key != sender.Id)
                    {
                        pair.Value.Queue.Writer.TryWrite((copy, type));
                    }
                }

                return default;
            }, me);
        }
        finally
        {
            s_subscribers.TryRemove(me.Id, out _);
            me.Queue.Writer.TryComplete();
            await writer;
        }
    }

    private sealed class Subscriber
    {
        public Subscriber(long id, WebSocket ws)
        {
            Id = id;
            Socket = ws;
        }

        public long Id { get; }

        public WebSocket Socket { get; }

        public Channel<(byte[] Data, WebSocketMessageType Type)> Queue { get; } =
            Channel.CreateUnbounded<(byte[], WebSocketMessageType)>(new UnboundedChannelOptions { SingleReader = true });

        public async Task WriteLoopAsync()
        {
            try
            {
                while (await Queue.Reader.WaitToReadAsync())
                {
                    while (Queue.Reader.TryRead(out var item))
                    {
                        await Socket.SendAsync(item.Data.AsMemory(), item.Type, true, default);
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or System.IO.IOException)
            {
            }
        }
    }

    /// <summary>{"type":"math.add","id":1,"data":{"a":1,"b":2}} → {"type":"math.add","id":1,"data":{"sum":3}}, with Newtonsoft.</summary>
    private static ValueTask RouteAsync(WebSocket ws, ReadOnlyMemory<byte> message, WebSocketMessageType type, object? state)
    {
        var envelope = JObject.Parse(Encoding.UTF8.GetString(message.Span));
        var request = envelope["data"]!.ToObject<AddRequest>()!;
        string reply = JsonConvert.SerializeObject(new
        {
            type = (string?)envelope["type"],
            id = envelope["id"],
            data = new { sum = request.A + request.B },
        });
        return ws.SendAsync(Encoding.UTF8.GetBytes(reply).AsMemory(), WebSocketMessageType.Text, true, default);
    }
}
