using System;
using System.IO;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using EmbedWs.Redis;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Samples.ConsoleHost;

/// <summary>
/// <c>dotnet run --project samples/EmbedWs.Samples.ConsoleHost -- --port 8080 --mode chat</c>:
/// serves the test page and a WebSocket until Ctrl+C or SIGTERM, then stops cleanly.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var options = Options.Parse(args, out string? error);
        if (options is null)
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine("Run with --help for usage.");
            return 2;
        }

        if (options.ShowHelp)
        {
            Console.WriteLine(Options.Usage);
            return 0;
        }

        // The library's log lines and the host's own, on the console (--log-level, default information).
        using var logging = LoggerFactory.Create(b => b
            .AddSimpleConsole(c =>
            {
                c.SingleLine = true;
                c.TimestampFormat = "HH:mm:ss.fff ";
            })
            .SetMinimumLevel(options.LogLevel));
        var serverOptions = new WsServerOptions { Url = options.ListenUrl, Heartbeat = options.Heartbeat.Create(), LoggerFactory = logging };
        options.ApplyLimits(serverOptions);
        string? dashboardToken = options.ApplyDashboard(serverOptions);

        // --redis: this host is one node of a cluster; Redis being down does not stop it (it joins when Redis comes).
        await using var backplane = options.Redis is { } redis
            ? new RedisBackplane(new RedisBackplaneOptions { ConnectionString = redis }, logging)
            : null;
        serverOptions.Backplane = backplane;
        await using var server = ConsoleHostServer.Create(options.Mode, serverOptions);
        try
        {
            await server.StartAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ArgumentException or InvalidOperationException)
        {
            // An IOException (the port is taken) already names the endpoint.
            Console.Error.WriteLine(ex is IOException ? ex.Message : $"Cannot listen on {options.ListenUrl}: {ex.Message}");
            return 1;
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The first Ctrl+C stops cleanly; a second one, while stopping, ends the process at once.
        Console.CancelKeyPress += (_, e) => e.Cancel = stop.TrySetResult();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.TrySetResult();
        });

        Console.WriteLine($"EmbedWs console host ({options.Mode.ToString().ToLowerInvariant()}) listening on {options.PageUrl(server.Port)}");
        Console.WriteLine($"Heartbeat: {options.Heartbeat.Describe()}");
        Console.WriteLine($"Limits: messages up to {serverOptions.MaxMessageSize} bytes in up to {serverOptions.MaxFragmentsPerMessage} frames");
        Console.WriteLine($"Compression: {(serverOptions.Compression ? "permessage-deflate when the client offers it" : "off")}");
        if (dashboardToken is not null)
        {
            Console.WriteLine($"Dashboard: {options.DashboardUrl(server.Port, dashboardToken)}");
        }

        Console.WriteLine(backplane is null ? "Scale-out: none" : $"Scale-out: Redis at {options.Redis}, node {backplane.NodeId}");
        Console.WriteLine("Press Ctrl+C to stop.");
        await stop.Task;

        Console.WriteLine($"Stopping: closing {server.ConnectionCount} connection(s) with 1001...");
        await server.StopAsync();
        Console.WriteLine("Stopped.");
        return 0;
    }
}
