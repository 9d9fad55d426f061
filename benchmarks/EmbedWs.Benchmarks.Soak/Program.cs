using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>
/// <c>--server --port P [...]</c> runs the soak server (see <see cref="SoakServer"/>) until SIGTERM;
/// <c>--url ws://127.0.0.1:P/ --connections N --duration S [...]</c> runs the clients against it
/// and prints the table and the verdict (exit code 0 only when every check passed).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        bool server = args.Contains("--server");
        bool latest = Array.IndexOf(args, "--scenario") is int at && at >= 0 && at + 1 < args.Length && args[at + 1] == "latest";
        try
        {
            if (latest)
            {
                return server ? await RunServerAsync(stop => LatestServer.RunAsync(LatestServerOptions.Parse(args), stop)) : await LatestDriver.RunAsync(LatestDriverOptions.Parse(args));
            }

            if (server)
            {
                var so = Args.ParseServer(args);
                using var stop = new CancellationTokenSource();
                using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
                using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
                return await SoakServer.RunAsync(so, stop.Token);
            }

            return await Driver.RunAsync(DriverOptions.Parse(args));
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine("usage: --server --port P [--heartbeat 5] [--heartbeat-timeout 5] [--groups 10] [--push-ms 1000] [--tick-ms 250] [--dispatch threadpool|inline] [--fault N]");
            Console.Error.WriteLine("   or: --url ws://127.0.0.1:P/ [--connections 500] [--duration 60] [--ramp S] [--sample 10] [--grace 60] [--rate 4]");
            Console.Error.WriteLine("       [--heartbeat 5] [--heartbeat-timeout 5] [--sources 4] [--server-pid PID] [--seed 1]");
            Console.Error.WriteLine("   or: --server --scenario latest --port P [--keys 64] [--rate 100] [--tick-ms 20] [--size 48] [--seed 1]");
            Console.Error.WriteLine("   or: --scenario latest --url ws://127.0.0.1:P/ [--connections 1000] [--slow 100] [--duration 300] [--warmup 60] [--sample 10]");
            Console.Error.WriteLine("       [--keys 64] [--slow-pause-ms 50] [--input-ms 2000] [--ramp 10] [--grace 60] [--max-rss-growth 10] [--server-pid PID] [--seed 1]");
            return 2;
        }
    }

    /// <summary>Runs a server until SIGTERM or SIGINT.</summary>
    private static async Task<int> RunServerAsync(Func<CancellationToken, Task<int>> run)
    {
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        return await run(stop.Token);
    }
}
