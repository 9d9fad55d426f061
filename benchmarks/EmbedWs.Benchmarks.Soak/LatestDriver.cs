using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>
/// The client side of the latest-by-key soak (<c>--scenario latest</c>): opens
/// <c>--connections</c> readers, <c>--slow</c> of them slow (see <see cref="LatestReader"/>),
/// samples the server every <c>--sample</c> seconds (RSS, GC heap, queued bytes, replaced and
/// dropped counts), stops the stream after <c>--duration</c>, waits for every reader to reach the
/// done marker, and prints the table and the verdict (exit code 0 only when every check passed).
/// </summary>
internal static class LatestDriver
{
    public static async Task<int> RunAsync(LatestDriverOptions o)
    {
        var probe = new ServerProbe(new IPEndPoint(IPAddress.Loopback, o.Url.Port), $"127.0.0.1:{o.Url.Port}");
        var first = await probe.ReadStatsAsync(CancellationToken.None);
        if (first is null)
        {
            Console.Error.WriteLine($"no latest soak server answers GET /stats at {o.Url} (start one with --server --scenario latest --port {o.Url.Port})");
            return 4;
        }

        probe.Pid = o.ServerPid != 0 ? o.ServerPid : first.Value.GetProperty("pid").GetInt32();
        using var hard = new CancellationTokenSource(TimeSpan.FromSeconds(o.Duration + o.Grace + 60));
        var clock = Stopwatch.StartNew();
        var readers = Enumerable.Range(0, o.Connections).Select(i => new LatestReader(i, i % (o.Connections / Math.Max(1, o.Slow)) == 0 && i / (o.Connections / Math.Max(1, o.Slow)) < o.Slow, o)).ToArray();
        Console.WriteLine($"## Latest-by-key soak: {o.Connections} readers ({readers.Count(r => r.Slow)} slow: 4 KiB receive buffer, {o.SlowPauseMs} ms pause per message, 2-5 s stops every 10-25 s; every reader sends a small input message every {o.InputMs} ms), {o.Duration} s, warm-up {o.Warmup} s");
        Console.WriteLine();
        Console.WriteLine("| t s | phase | connections | RSS MiB | GC heap MiB | queued KiB | congested | updates | deliveries | replaced | dropped | fast recv | slow recv |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");

        // The connections open over a few seconds, not all in one burst.
        var running = readers.Select(async r =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(o.Ramp * 1000.0 * r.Index / o.Connections));
            await r.RunAsync(hard.Token);
        }).ToArray();
        var all = Task.WhenAll(running);

        var samples = new List<(double T, string Phase, long RssKiB, JsonElement Stats)>();
        async Task SampleAsync(string phase, string query = "")
        {
            var stats = await probe.ReadStatsAsync(hard.Token, query);
            var proc = probe.ReadProc();
            if (stats is not { } s || proc is null)
            {
                Console.WriteLine($"| {clock.Elapsed.TotalSeconds:F0} | {phase} | server did not answer |");
                return;
            }

            samples.Add((clock.Elapsed.TotalSeconds, phase, proc.RssKiB, s));
            long fast = readers.Where(r => !r.Slow).Sum(r => Interlocked.Read(ref r.Received));
            long slow = readers.Where(r => r.Slow).Sum(r => Interlocked.Read(ref r.Received));
            Console.WriteLine($"| {clock.Elapsed.TotalSeconds:F0} | {phase} | {s.GetProperty("connections")} | {proc.RssKiB / 1024.0:F1} | " +
                $"{s.GetProperty("heapBytes").GetInt64() / 1048576.0:F1} | {s.GetProperty("sendQueueBytes").GetInt64() / 1024.0:F0} | {s.GetProperty("congested")} | " +
                $"{s.GetProperty("updates")} | {s.GetProperty("deliveries")} | {s.GetProperty("replaced")} | {s.GetProperty("dropped")} | {fast} | {slow} |");
        }

        for (int k = 1; clock.Elapsed.TotalSeconds < o.Duration; k++)
        {
            double wait = Math.Min(k * o.Sample, o.Duration) - clock.Elapsed.TotalSeconds;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait));
            }

            await SampleAsync(clock.Elapsed.TotalSeconds < o.Warmup ? "warm-up" : "run");
        }

        // The closes so far happened during the stream: none is expected.
        var closesDuringRun = samples.Count > 0 ? samples[^1].Stats.GetProperty("closes").Clone() : default;
        LatestReader.Draining = true;
        await SampleAsync("stop", "stop");
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(o.Grace)));
        await SampleAsync("drained");
        return Verdict(o, readers, samples, closesDuringRun, all.IsCompleted);
    }

    private static int Verdict(LatestDriverOptions o, LatestReader[] readers, List<(double T, string Phase, long RssKiB, JsonElement Stats)> samples,
        JsonElement closesDuringRun, bool allEnded)
    {
        var failures = new List<string>();
        Console.WriteLine();
        var run = samples.Where(s => s.Phase == "run").ToList();
        if (run.Count >= 2)
        {
            var (a, b) = (run[0], run[^1]);
            double firstToLast = 100.0 * (b.RssKiB - a.RssKiB) / a.RssKiB;

            // Judged as the churn soak judges it: the mean of the middle third against the last third.
            int third = Math.Max(1, run.Count / 3);
            double middle = run.Skip(third).Take(third).Average(s => s.RssKiB), end = run.Skip(run.Count - third).Average(s => s.RssKiB);
            double growth = 100.0 * (end - middle) / middle;
            long heapA = a.Stats.GetProperty("heapBytes").GetInt64(), heapB = b.Stats.GetProperty("heapBytes").GetInt64();
            Console.WriteLine($"- RSS after warm-up: {a.RssKiB / 1024.0:F1} MiB at {a.T:F0} s, {b.RssKiB / 1024.0:F1} MiB at {b.T:F0} s: {firstToLast:+0.0;-0.0}% first to last; " +
                $"means {middle / 1024.0:F1} → {end / 1024.0:F1} MiB from the middle third to the last: {growth:+0.0;-0.0}% " +
                $"(min {run.Min(s => s.RssKiB) / 1024.0:F1}, max {run.Max(s => s.RssKiB) / 1024.0:F1}); GC heap {heapA / 1048576.0:F1} → {heapB / 1048576.0:F1} MiB; " +
                $"queued bytes max {run.Max(s => s.Stats.GetProperty("sendQueueBytes").GetInt64()) / 1024.0:F0} KiB");
            if (growth > o.MaxRssGrowthPercent)
            {
                failures.Add($"RSS grew {growth:F1}% from the middle third to the last (allowed {o.MaxRssGrowthPercent}%)");
            }
        }
        else
        {
            failures.Add("fewer than two samples after the warm-up: make --duration longer than --warmup");
        }

        int closes = closesDuringRun.ValueKind == JsonValueKind.Object ? closesDuringRun.EnumerateObject().Sum(p => p.Value.GetInt32()) : 0;
        Console.WriteLine($"- disconnects during the stream (by close code and cause): {(closes == 0 ? "none" : string.Join(", ", closesDuringRun.EnumerateObject().Select(p => $"{p.Name}: {p.Value}")))}");
        if (closes > 0)
        {
            failures.Add($"{closes} connections closed during the stream");
        }

        if (samples.Count > 0)
        {
            var last = samples[^1].Stats;
            Console.WriteLine($"- server: {last.GetProperty("updates")} updates, {last.GetProperty("deliveries")} queued deliveries, {last.GetProperty("replaced")} replaced, " +
                $"{last.GetProperty("dropped")} dropped, done marker to {last.GetProperty("doneDeliveries")} connections, {last.GetProperty("errors")} handler errors");
        }

        foreach (var group in readers.GroupBy(r => r.Slow).OrderBy(g => g.Key))
        {
            int ok = group.Count(r => r.Done && r.Failure is null);
            Console.WriteLine($"- {(group.Key ? "slow" : "fast")} readers: {ok} of {group.Count()} ended with the last value sent per key; " +
                $"{group.Sum(r => r.Received)} messages received ({group.Sum(r => r.Received) / group.Count()} each on average), " +
                $"values that went backwards: {group.Sum(r => r.Backwards)}{(group.Key ? $", reading stops: {group.Sum(r => r.Stops)}" : "")}");
            foreach (var bad in group.Where(r => r.Failure is not null || !r.Done).Take(3))
            {
                Console.WriteLine($"  - reader {bad.Index}: {bad.Failure ?? "never saw done"}");
            }

            if (ok != group.Count())
            {
                failures.Add($"{group.Count() - ok} {(group.Key ? "slow" : "fast")} readers failed their check");
            }
        }

        if (!allEnded)
        {
            failures.Add($"not every reader ended within {o.Grace} s of the stop");
        }

        Console.WriteLine();
        Console.WriteLine(failures.Count == 0 ? "**PASS**: every check passed" : "**FAIL**: " + string.Join("; ", failures));
        return failures.Count == 0 ? 0 : 1;
    }
}

/// <summary>
/// The latest soak's client command line: <c>--scenario latest --url ws://127.0.0.1:P/ [--connections 1000] [--slow 100]
/// [--duration 300] [--warmup 60] [--sample 10] [--keys 64] [--slow-pause-ms 50] [--input-ms 2000] [--grace 60] [--max-rss-growth 10] [--server-pid PID] [--seed 1]</c>.
/// </summary>
internal sealed class LatestDriverOptions
{
    public Uri Url { get; private set; } = new("ws://127.0.0.1:0/");
    public int Connections { get; private set; } = 1000;
    public int Slow { get; private set; } = 100;
    public double Duration { get; private set; } = 300;
    public double Warmup { get; private set; } = 60;
    public double Ramp { get; private set; } = 10;
    public double Sample { get; private set; } = 10;
    public int Keys { get; private set; } = 64;
    public int SlowPauseMs { get; private set; } = 50;
    public int InputMs { get; private set; } = 2000;
    public double Grace { get; private set; } = 60;
    public double MaxRssGrowthPercent { get; private set; } = 10;
    public int ServerPid { get; private set; }
    public int Seed { get; private set; } = 1;

    public static LatestDriverOptions Parse(string[] args)
    {
        var o = new LatestDriverOptions();
        foreach (var (name, v) in Args.Pairs(args))
        {
            switch (name)
            {
                case "--scenario": break;
                case "--url": o.Url = Args.LoopbackUrl(v).Uri; break;
                case "--connections": o.Connections = Args.Int(v, 1, 60_000, name); break;
                case "--slow": o.Slow = Args.Int(v, 0, 60_000, name); break;
                case "--duration": o.Duration = Args.Num(v, 5, 24 * 3600, name); break;
                case "--warmup": o.Warmup = Args.Num(v, 0, 3600, name); break;
                case "--ramp": o.Ramp = Args.Num(v, 0, 3600, name); break;
                case "--sample": o.Sample = Args.Num(v, 0.5, 3600, name); break;
                case "--keys": o.Keys = Args.Int(v, 1, 100_000, name); break;
                case "--slow-pause-ms": o.SlowPauseMs = Args.Int(v, 1, 60_000, name); break;
                case "--input-ms": o.InputMs = Args.Int(v, 0, 3_600_000, name); break;
                case "--grace": o.Grace = Args.Num(v, 5, 3600, name); break;
                case "--max-rss-growth": o.MaxRssGrowthPercent = Args.Num(v, 0, 1000, name); break;
                case "--server-pid": o.ServerPid = Args.Int(v, 1, int.MaxValue, name); break;
                case "--seed": o.Seed = Args.Int(v, 0, int.MaxValue, name); break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        if (o.Url.Port == 0)
        {
            throw new ArgumentException("--url ws://127.0.0.1:PORT/ is required");
        }

        o.Slow = Math.Min(o.Slow, o.Connections);
        return o;
    }
}
