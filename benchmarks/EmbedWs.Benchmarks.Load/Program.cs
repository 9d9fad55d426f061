using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Load;

/// <summary>
/// <c>--mode echo|fanout|conns|route --url ws://127.0.0.1:P/ ...</c> runs one load and prints one
/// JSON line; <c>report FILE</c> turns the JSON lines of run.sh into the Markdown table.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "report")
        {
            return Report.Print(args.AsSpan(1).ToArray());
        }

        LoadOptions o;
        try
        {
            o = LoadOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine("usage: --mode echo|fanout|conns|route --url ws://127.0.0.1:P/ [--connections C] [--inflight W] [--size S]");
            Console.Error.WriteLine("       [--duration 10] [--warmup 2] [--text] [--server-pid PID] [--hold 2] [--concurrency 100]");
            Console.Error.WriteLine("       [--json] [--deflate] [--server-stats] [--messages K (conns)] [--signalr (fanout)]");
            Console.Error.WriteLine("       (--url may repeat: connections go to each in turn, the fanout publisher to the first)");
            Console.Error.WriteLine("       [--test NAME] [--server NAME] [--run N] [--deadline SECONDS]");
            Console.Error.WriteLine("   or: report RESULTS.jsonl... [--baseline baseline-0.1.json]");
            return 2;
        }

        // The hard deadline: whatever hangs, the process prints an error line and ends.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(o.Deadline));
        using var killer = new Timer(_ =>
        {
            Print(o, new Dictionary<string, object> { ["error"] = $"deadline of {o.Deadline} s passed" });
            Environment.Exit(3);
        }, null, TimeSpan.FromSeconds(o.Deadline + 5), Timeout.InfiniteTimeSpan);

        try
        {
            var result = o.Mode switch
            {
                "fanout" => await FanoutMode.RunAsync(o, deadline.Token),
                "conns" => await ConnsMode.RunAsync(o, deadline.Token),
                _ => await EchoMode.RunAsync(o, deadline.Token),
            };
            Print(o, result);
            return 0;
        }
        catch (Exception ex)
        {
            Print(o, new Dictionary<string, object> { ["error"] = ex.GetType().Name + ": " + ex.Message });
            return 1;
        }
    }

    private static void Print(LoadOptions o, Dictionary<string, object> result)
    {
        var line = new Dictionary<string, object>
        {
            ["test"] = o.Test,
            ["server"] = o.Server,
            ["run"] = o.Run,
            ["mode"] = o.Mode,
        };
        foreach (var pair in result)
        {
            line[pair.Key] = pair.Value;
        }

        Console.Out.WriteLine(JsonSerializer.Serialize(line));
        Console.Out.Flush();
    }
}
