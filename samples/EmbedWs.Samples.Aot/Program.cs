using System;
using System.IO;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace EmbedWs.Samples.Aot;

/// <summary>
/// <c>dotnet publish samples/EmbedWs.Samples.Aot -c Release</c>, then run the native file:
/// serves on 127.0.0.1 until Ctrl+C or SIGTERM, then closes every client with 1001.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (!AotHost.TryParse(args, out int port, out var heartbeat, out string? error))
        {
            Console.Error.WriteLine(error);
            return 2;
        }

        await using var server = AotHost.Create(port, heartbeat);
        try
        {
            await server.StartAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            Console.Error.WriteLine($"Cannot listen on port {port}: {ex.Message}");
            return 1;
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Console.CancelKeyPress += (_, e) => e.Cancel = stop.TrySetResult();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.TrySetResult();
        });

        Console.WriteLine($"EmbedWs AOT host listening on ws://127.0.0.1:{server.Port}/ (JSON routes on {AotHost.RpcPath})");
        await stop.Task;
        await server.StopAsync();
        Console.WriteLine("Stopped.");
        return 0;
    }
}
