using System;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Servers;

/// <summary>
/// <c>--server embedws|embedws-mount|kestrel|rawtcp|signalr --port P --mode echo|echo-async|fanout|fanout-latest|route|conns
/// [--compression on|off] [--compression-level fastest|optimal] [--serializer newtonsoft|stj]
/// [--backplane redis=HOST:PORT] [--send-buffer BYTES]</c>: listens on 127.0.0.1:P, prints
/// "ready" once listening, and runs until SIGTERM or Ctrl+C. EmbedWs and Kestrel answer
/// <c>GET /stats</c> with the bytes the process allocated (<see cref="BenchSettings.StatsJson()"/>).
/// echo-async is EmbedWs's echo through an async handler; fanout-latest is EmbedWs's fanout with
/// latest-by-key delivery; rawtcp serves echo, conns and fanout;
/// signalr (a SignalR hub on /hub) serves fanout only. The backplane is for embedws and signalr in fanout.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        string server = "embedws", mode = "echo";
        int port = 0;
        var settings = BenchSettings.Default;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--server": server = args[i + 1]; break;
                case "--port": port = int.Parse(args[i + 1]); break;
                case "--mode": mode = args[i + 1]; break;
                case "--compression" when args[i + 1] is "on" or "off": settings = settings with { Compression = args[i + 1] == "on" }; break;
                case "--compression-level" when args[i + 1] is "fastest" or "optimal":
                    settings = settings with { CompressionLevel = args[i + 1] == "optimal" ? CompressionLevel.Optimal : CompressionLevel.Fastest };
                    break;
                case "--serializer" when args[i + 1] is "newtonsoft" or "stj": settings = settings with { Serializer = args[i + 1] }; break;
                case "--backplane" when args[i + 1].StartsWith("redis=", StringComparison.Ordinal):
                    settings = settings with { Redis = args[i + 1].Substring("redis=".Length) };
                    break;
                case "--send-buffer" when int.TryParse(args[i + 1], out int sendBuffer):
                    settings = settings with { SendBuffer = sendBuffer };
                    break;
                default: return Usage($"unknown option {args[i]}");
            }
        }

        if (port <= 0 || port > 65535)
        {
            return Usage("--port is required");
        }

        // conns: idle connections; every server echoes, the raw TCP one holding no buffer while idle.
        if (mode is not ("echo" or "echo-async" or "fanout" or "fanout-latest" or "route" or "conns"))
        {
            return Usage($"unknown mode {mode}");
        }

        if (mode == "echo-async" && server != "embedws")
        {
            // What an awaited async handler costs is a question about EmbedWs's dispatch only.
            return Usage("--mode echo-async is for --server embedws only");
        }

        if (mode == "fanout-latest" && server is not ("embedws" or "embedws-mount"))
        {
            // Delivery classes are EmbedWs's own.
            return Usage("--mode fanout-latest is for --server embedws and embedws-mount only");
        }

        if ((settings.Compression && server == "rawtcp")
            || ((settings.Serializer != "newtonsoft" || settings.CompressionLevel != CompressionLevel.Fastest) && server is not ("embedws" or "embedws-mount")))
        {
            return Usage("--compression is for the WebSocket servers, --compression-level and --serializer for EmbedWs");
        }

        if ((settings.Redis is not null && (mode != "fanout" || server is not ("embedws" or "signalr")))
            || (server == "signalr" && (mode != "fanout" || settings.Compression)))
        {
            // The Redis rows compare one thing: a broadcast fanned out across nodes.
            return Usage("--backplane and --server signalr are for --mode fanout, uncompressed; the backplane for embedws and signalr");
        }

        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        switch (server)
        {
            case "embedws":
                await EmbedWsBenchServer.RunAsync(port, mode == "conns" ? "echo" : mode, settings, stop.Token);
                return 0;
            case "embedws-mount":
                await EmbedWsMountBenchServer.RunAsync(port, mode == "conns" ? "echo" : mode, settings, stop.Token);
                return 0;
            case "kestrel":
                await KestrelBenchServer.RunAsync(port, mode == "conns" ? "echo" : mode, settings, stop.Token);
                return 0;
            case "signalr":
                await SignalRBenchServer.RunAsync(port, settings, stop.Token);
                return 0;
            case "rawtcp" when mode == "fanout":
                // The fan-out ceiling: EmbedWs's broadcast and send batching at the byte level.
                await RawTcpFanoutServer.RunAsync(port, stop.Token);
                return 0;
            case "rawtcp":
                if (mode is not ("echo" or "conns"))
                {
                    // A fixed 101 and bytes echoed back unchanged: JSON routing means nothing here.
                    return Usage("rawtcp serves --mode echo, conns and fanout only");
                }

                await RawTcpBenchServer.RunAsync(port, lowMemory: mode == "conns", stop.Token);
                return 0;
            default:
                return Usage($"unknown server {server}");
        }
    }

    /// <summary>Tells the script the server listens. Flushed at once: the script polls the log for it.</summary>
    internal static void Ready(string server, string mode, int port)
    {
        Console.Out.WriteLine($"ready {server} {mode} 127.0.0.1:{port} pid {Environment.ProcessId}");
        Console.Out.Flush();
    }

    private static int Usage(string error)
    {
        Console.Error.WriteLine(error);
        Console.Error.WriteLine("usage: --server embedws|embedws-mount|kestrel|rawtcp|signalr --port P --mode echo|echo-async|fanout|fanout-latest|route|conns");
        Console.Error.WriteLine("       [--compression on|off] [--compression-level fastest|optimal] [--serializer newtonsoft|stj]");
        Console.Error.WriteLine("       [--backplane redis=HOST:PORT] [--send-buffer BYTES (embedws: SocketSendBufferBytes)]");
        return 2;
    }
}

/// <summary>The request and reply of the route benchmark: {"type":"math.add","id":1,"data":{"a":1,"b":2}}.</summary>
public sealed record AddRequest(int A, int B);

/// <summary>The reply's data: {"sum":3}.</summary>
public sealed record AddReply(int Sum);
