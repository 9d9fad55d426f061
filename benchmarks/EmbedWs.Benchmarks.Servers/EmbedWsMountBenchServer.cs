using System.Net;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Benchmarks.Servers;

/// <summary>
/// EmbedWs mounted in ASP.NET Core (<c>app.MapEmbedWs("/", server)</c>): Kestrel as in
/// <see cref="KestrelBenchServer"/> (slim builder, default options, logging at Warning) does the
/// handshake; the frames are EmbedWs's, with the handlers of <see cref="EmbedWsBenchServer"/>.
/// Beside both, it shows what the mount costs against EmbedWs's own listener and what it gains
/// against Kestrel's WebSockets middleware.
/// </summary>
internal static class EmbedWsMountBenchServer
{
    public static async Task RunAsync(int port, string mode, BenchSettings settings, CancellationToken stop)
    {
        var server = new WsServer(new WsServerOptions
        {
            Listen = false,
            Heartbeat = HeartbeatPolicy.None,
            Compression = settings.Compression,
            CompressionLevel = settings.CompressionLevel,
            JsonSerializer = settings.JsonSerializer(),
        });
        EmbedWsBenchServer.Wire(server, mode);
        await server.StartAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapEmbedWs("/", server);
        await app.StartAsync(stop);
        Program.Ready("embedws-mount", mode, port);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (TaskCanceledException)
        {
        }

        await app.StopAsync();
        await server.StopAsync();
    }
}
