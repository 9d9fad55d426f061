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
        try
        {
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
            return 2;
        }
    }
}
