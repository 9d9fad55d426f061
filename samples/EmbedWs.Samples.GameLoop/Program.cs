using System;
using System.IO;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace EmbedWs.Samples.GameLoop;

/// <summary>
/// <c>dotnet run --project samples/EmbedWs.Samples.GameLoop -- --port 8081 --tick-rate 20</c>:
/// runs the game loop and serves its page until Ctrl+C or SIGTERM, then stops cleanly.
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

        var host = GameHost.Create(new WsServerOptions { Url = options.ListenUrl, NetworkSimulation = options.Simulate }, options.TickRate, Console.Out);
        try
        {
            await host.StartAsync();
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

        Console.WriteLine($"EmbedWs game loop listening on {options.PageUrl(host.Port)} ({host.TickRate} ticks/s)");
        Console.WriteLine("Press Ctrl+C to stop.");
        var ended = await Task.WhenAny(stop.Task, host.LoopEnded);

        Console.WriteLine($"Stopping: closing {host.Server.ConnectionCount} connection(s) with 1001...");
        await host.StopAsync();
        Console.WriteLine($"Stopped after {host.Tick} ticks; {host.HandlerCalls} handler call(s), " +
                          $"{host.OffThreadHandlerCalls} off the {GameHost.LoopThreadName} thread.");

        if (ended == host.LoopEnded && host.LoopEnded.Result is { } failure)
        {
            Console.Error.WriteLine($"The game loop failed: {failure.Message}");
            return 1;
        }

        return host.OffThreadHandlerCalls == 0 ? 0 : 3;
    }
}
