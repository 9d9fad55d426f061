using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace EmbedWs.Benchmarks.Servers;

/// <summary>
/// The anchor of the Redis fan-out rows: Kestrel with an ASP.NET Core SignalR hub on
/// <c>/hub</c>, as its docs set one up. Every option is the default (the JSON hub protocol, the
/// 15 s keep-alive, one invocation at a time per client) except that the hub accepts the
/// WebSockets transport only, so that clients may skip negotiation as the load generator does.
/// With <c>--backplane redis=HOST:PORT</c>, <c>AddStackExchangeRedis</c> (defaults, the same
/// channel prefix as the EmbedWs nodes). Logging at Warning, as the Kestrel bench server.
/// </summary>
internal static class SignalRBenchServer
{
    public static async Task RunAsync(int port, BenchSettings settings, CancellationToken stop)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, port));
        var signalR = builder.Services.AddSignalR();
        if (settings.Redis is { } redis)
        {
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(BenchSettings.ChannelPrefix));
        }

        var app = builder.Build();
        app.MapHub<FanoutHub>("/hub", o => o.Transports = HttpTransportType.WebSockets);
        await app.StartAsync(stop);
        Program.Ready("signalr", "fanout", port);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (TaskCanceledException)
        {
        }

        await app.StopAsync();
    }
}

/// <summary>
/// The fan-out hub: what a client sends to <c>Publish</c> goes to every other client as
/// <c>m</c>, on every node when there is a backplane. <c>Clients.Others</c>, as EmbedWs's
/// <c>Broadcast(data, except: conn)</c>.
/// </summary>
public sealed class FanoutHub : Hub
{
    /// <summary>Sends <paramref name="message"/> to every client but the caller.</summary>
    public Task Publish(string message) => Clients.Others.SendAsync("m", message);
}
