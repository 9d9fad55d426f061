using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace EmbedWs.Benchmarks.Load;

/// <summary>
/// Reads the JSON lines of a suite run and prints the Markdown table: per test and metric, the
/// median and min–max of the runs for each server, the ratios between servers, then the targets
/// of the benchmark issue, met or missed, and (with <c>--baseline FILE</c>) each case against
/// the 0.1 figures. Every ratio is between servers of the same suite run; targets also show the
/// range of the ratio taken round by round (run i of one server against run i of the other, in
/// the same file). Several files may be given (a full run and reruns of some rows); a target whose
/// two sides never ran in the same file is shown but not judged.
/// </summary>
internal static class Report
{
    // The servers run.sh knows, in column order, with their column titles; a server with no line
    // in the results has no column.
    private static readonly (string Name, string Title)[] s_servers =
    {
        ("embedws", "EmbedWs"),
        ("embedws-0.1", "EmbedWs 0.1"),
        ("embedws-stj", "EmbedWs System.Text.Json"),
        ("embedws-optimal", "EmbedWs CompressionLevel.Optimal"),
        ("embedws-async", "EmbedWs async handler"),
        ("embedws-sndbuf", "EmbedWs SocketSendBufferBytes 16 KiB"),
        ("embedws-mount", "EmbedWs in Kestrel (MapEmbedWs)"),
        ("consolehost", "console host"),
        ("kestrel", "Kestrel"),
        ("rawtcp", "raw TCP"),
        ("ws", "Node ws"),
        ("embedws-redis", "EmbedWs + Redis backplane"),
        ("signalr", "SignalR + Redis backplane"),
    };

    // Ratio columns: (server, reference).
    private static readonly (string A, string B)[] s_ratios =
    {
        ("embedws", "kestrel"),
        ("embedws", "rawtcp"),
        ("consolehost", "kestrel"),
        ("consolehost", "rawtcp"),
        ("embedws-async", "embedws"),
        ("embedws-mount", "kestrel"),
        ("embedws-mount", "embedws"),
        ("embedws", "embedws-0.1"),
        ("embedws", "ws"),
        ("embedws-stj", "embedws"),
        ("embedws-optimal", "kestrel"),
        ("embedws-redis", "signalr"),
        ("embedws-redis", "embedws"),
    };

    // (JSON field, label, decimals) per mode; a metric no run of a test reported (e.g. bytes on
    // the wire, measured by newer load generators) has no line for that test.
    private static readonly Dictionary<string, (string Field, string Label, int Decimals)[]> s_metrics = new()
    {
        ["echo"] = new[] { ("msgPerSec", "messages/s", 0), ("mbPerSec", "MB/s", 1), ("p50Us", "p50 µs", 1), ("p90Us", "p90 µs", 1), ("p99Us", "p99 µs", 1), ("p999Us", "p99.9 µs", 1), ("fairness", "fairness (min/max per connection)", 2),
            ("wireOutPerMsg", "bytes on the wire per message, client → server", 1), ("wireInPerMsg", "bytes on the wire per message, server → client", 1),
            ("allocBytesPerMsg", "server bytes allocated per message", 0) },
        ["route"] = new[] { ("msgPerSec", "replies/s", 0), ("p50Us", "p50 µs", 1), ("p99Us", "p99 µs", 1), ("fairness", "fairness (min/max per connection)", 2),
            ("allocBytesPerMsg", "server bytes allocated per reply", 0) },
        ["fanout"] = new[] { ("deliveriesPerSec", "deliveries/s", 0), ("p50Us", "p50 µs", 1), ("p90Us", "p90 µs", 1), ("p99Us", "p99 µs", 1), ("lost", "lost messages", 0), ("gaps", "sequence gaps", 0),
            ("wireOutPerMsg", "bytes on the wire per message, publisher → server", 1), ("wireInPerMsg", "bytes on the wire per message, server → subscriber", 1),
            ("fastPerSubscriberPerSec", "deliveries/s per fast subscriber", 0), ("slowPerSubscriberPerSec", "deliveries/s per slow subscriber (--slow)", 0),
            ("serverReplaced", "messages the server replaced (latest by key)", 0) },
        ["conns"] = new[] { ("connPerSec", "connections/s", 0), ("kibPerConn", "server KiB/connection", 1), ("failures", "failures", 0), ("exchangeFailures", "connections whose messages failed", 0) },
    };

    private static List<JsonElement> s_rows = new();

    // The file (one invocation of run.sh) each row came from, index for index.
    private static List<int> s_fileOf = new();

    public static int Print(string[] args)
    {
        var files = new List<string>();
        string? baseline = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--baseline" && i + 1 < args.Length)
            {
                baseline = args[++i];
            }
            else
            {
                files.Add(args[i]);
            }
        }

        if (files.Count == 0)
        {
            Console.Error.WriteLine("usage: report RESULTS.jsonl... [--baseline baseline-0.1.json]");
            return 2;
        }

        var rows = files.SelectMany((f, i) => File.ReadLines(f).Where(l => l.StartsWith('{'))
            .Select(l => (Row: JsonDocument.Parse(l).RootElement, File: i))).ToList();
        s_rows = rows.Select(r => r.Row).ToList();
        s_fileOf = rows.Select(r => r.File).ToList();
        var servers = s_servers.Where(s => s_rows.Any(r => Server(r) == s.Name)).ToList();
        var ratios = s_ratios.Where(p => servers.Any(s => s.Name == p.A) && servers.Any(s => s.Name == p.B)).ToList();
        string Title(string name) => s_servers.First(s => s.Name == name).Title;

        var tests = s_rows.Select(Test).Distinct().ToList();
        Console.WriteLine("| test | metric | " + string.Join(" | ", servers.Select(s => s.Title)) + " | "
            + string.Join(" | ", ratios.Select(p => $"{Title(p.A)} / {Title(p.B)}")) + " |");
        Console.WriteLine("|---|---|" + string.Concat(Enumerable.Repeat("---:|", servers.Count + ratios.Count)));
        foreach (var test in tests)
        {
            string mode = s_rows.First(r => Test(r) == test).GetProperty("mode").GetString()!;
            foreach (var (field, label, decimals) in s_metrics[mode])
            {
                if (!s_rows.Any(r => Test(r) == test && r.TryGetProperty(field, out _)))
                {
                    continue;
                }

                var cells = servers.Select(s => Cell(test, s.Name, field, decimals));
                var ratioCells = ratios.Select(p => RatioCell(test, field, p.A, p.B));
                Console.WriteLine($"| {test} | {label} | {string.Join(" | ", cells)} | {string.Join(" | ", ratioCells)} |");
            }
        }

        var errors = s_rows.Where(r => r.TryGetProperty("error", out _)).ToList();
        Console.WriteLine();
        Console.WriteLine($"Cells: median of the runs (min–max). {s_rows.Count} runs, {errors.Count} failed.");
        foreach (var e in errors)
        {
            Console.WriteLine($"- failed: {Test(e)} {Server(e)} run {e.GetProperty("run")}: {e.GetProperty("error").GetString()}");
        }

        Console.WriteLine();
        PrintTargets();
        if (baseline is not null)
        {
            Console.WriteLine();
            PrintBaseline(baseline);
        }

        return 0;
    }

    private static void PrintTargets()
    {
        Console.WriteLine("Targets. Ratios of medians from this run; in brackets, the range of the ratio round by round.");
        Console.WriteLine();
        Console.WriteLine("| target | measured (medians) | |");
        Console.WriteLine("|---|---|---|");
        if (s_rows.All(r => Test(r).Contains("-redis-", StringComparison.Ordinal)))
        {
            // redis-fanout.sh's results alone: only the scale-out targets apply.
            PrintRedisTargets();
            return;
        }

        const string E50 = "echo-50x8-32B", E1 = "echo-1x1-32B", E64 = "echo-10x4-64KiB", Fan = "fanout-1000-64B";
        foreach (var (server, what) in new[] { ("embedws", "default path (bench server)"), ("consolehost", "console host as users run it") })
        {
            Target($"echo 50 × 8, 32 B, {what}: ≥ 1.3 × Kestrel messages/s", E50, "msgPerSec", server, E50, "msgPerSec", "kestrel", 1.3, atLeast: true);
            Target($"echo 50 × 8, 32 B, {what}: ≥ 0.85 × raw TCP messages/s", E50, "msgPerSec", server, E50, "msgPerSec", "rawtcp", 0.85, atLeast: true);
            Target($"echo 1 × 1, 32 B, {what}: p50 ≤ Kestrel's", E1, "p50Us", server, E1, "p50Us", "kestrel", 1.0, atLeast: false);
            Target($"echo 1 × 1, 32 B, {what}: p99 ≤ Kestrel's", E1, "p99Us", server, E1, "p99Us", "kestrel", 1.0, atLeast: false);
        }

        Target("fanout, 1,000 subscribers, 64 B: ≥ 0.9 × the raw TCP fan-out deliveries/s", Fan, "deliveriesPerSec", "embedws", Fan, "deliveriesPerSec", "rawtcp", 0.9, atLeast: true);
        Target("async handler, echo 50 × 8: costs ≤ 10 % (messages/s ≥ 0.9 × the synchronous handler's)", E50, "msgPerSec", "embedws-async", E50, "msgPerSec", "embedws", 0.9, atLeast: true);
        Target("async handler, echo 1 × 1: p50 ≤ 1.1 × the synchronous handler's", E1, "p50Us", "embedws-async", E1, "p50Us", "embedws", 1.1, atLeast: false);
        Target("async handler, echo 10 × 4, 64 KiB: MB/s ≥ 0.9 × the synchronous handler's", E64, "mbPerSec", "embedws-async", E64, "mbPerSec", "embedws", 0.9, atLeast: true);
        Target("mount (MapEmbedWs), echo 50 × 8, 32 B: ≥ 1.2 × Kestrel's WebSockets middleware messages/s", E50, "msgPerSec", "embedws-mount", E50, "msgPerSec", "kestrel", 1.2, atLeast: true);
        Target("mount (MapEmbedWs), echo 1 × 1, 32 B: p50 ≤ Kestrel's WebSockets middleware's", E1, "p50Us", "embedws-mount", E1, "p50Us", "kestrel", 1.0, atLeast: false);
        Target("echo 10 × 4, 64 KiB: ≥ 3 × Kestrel MB/s", E64, "mbPerSec", "embedws", E64, "mbPerSec", "kestrel", 3.0, atLeast: true);
        Target("fanout, 1,000 subscribers, 64 B: ≥ 3 × Kestrel deliveries/s", Fan, "deliveriesPerSec", "embedws", Fan, "deliveriesPerSec", "kestrel", 3.0, atLeast: true);
        Target("fanout latest-by-key, 1,000 subscribers, 100 read slowly: deliveries/s per fast subscriber ≥ 0.9 × the all-fast run's",
            "fanout-1000-latest-100slow", "fastPerSubscriberPerSec", "embedws", "fanout-1000-latest", "fastPerSubscriberPerSec", "embedws", 0.9, atLeast: true);
        Target("the same with SocketSendBufferBytes = 16 KiB (the backlog in EmbedWs's queue, replaced): ≥ 0.9 × its all-fast run's",
            "fanout-1000-latest-100slow", "fastPerSubscriberPerSec", "embedws-sndbuf", "fanout-1000-latest", "fastPerSubscriberPerSec", "embedws-sndbuf", 0.9, atLeast: true);
        var lost = Values(Fan, "embedws", "lost");
        if (lost.Count > 0)
        {
            Console.WriteLine($"| fanout: none lost | EmbedWs lost {lost.Sum()} in {lost.Count} runs | {(lost.Sum() == 0 ? "met" : "MISSED")} |");
        }

        var kib = Values("conns-10000", "embedws", "kibPerConn");
        if (kib.Count > 0)
        {
            double m = Median(kib);
            string kestrel = Values("conns-10000", "kestrel", "kibPerConn") is { Count: > 0 } k ? $", Kestrel {Format(Median(k), 1)} KiB" : "";
            Console.WriteLine($"| conns, 10,000 idle: ≤ 4 KB server memory per connection | EmbedWs {Format(m, 1)} KiB{kestrel} | {(m * 1.024 <= 4 ? "met" : $"MISSED by {Format(m - (4 / 1.024), 1)} KiB")} |");
        }

        Target("route, 50 × 8: ≥ 0.6 × our own echo messages/s", "route-50x8", "msgPerSec", "embedws", E50, "msgPerSec", "embedws", 0.6, atLeast: true);
        const string Deflate = "echo-50x8-4KiB-json-deflate", DeflateConns = "conns-1000-deflate";
        Target("compressed echo 50 × 8, 4 KiB JSON, default path: ≥ 1.5 × Kestrel's compressed echo messages/s", Deflate, "msgPerSec", "embedws", Deflate, "msgPerSec", "kestrel", 1.5, atLeast: true);
        Target("compressed echo 50 × 8, 4 KiB JSON, console host: ≥ 1.5 × Kestrel's compressed echo messages/s", Deflate, "msgPerSec", "consolehost", Deflate, "msgPerSec", "kestrel", 1.5, atLeast: true);
        Target("compressed echo 50 × 8, 4 KiB JSON, at Kestrel's level (Optimal): ≥ 1.5 × Kestrel's compressed echo messages/s", Deflate, "msgPerSec", "embedws-optimal", Deflate, "msgPerSec", "kestrel", 1.5, atLeast: true);
        Target("compressed connection, used (3 messages) then idle: server memory ≤ Node ws's", DeflateConns, "kibPerConn", "embedws", DeflateConns, "kibPerConn", "ws", 1.0, atLeast: false);
        Console.WriteLine("| steady state: 0 allocations per echoed message in the engine | see the micro benchmark EchoLoopback (Allocated per op) | |");
        PrintRedisTargets();
    }

    /// <summary>The scale-out targets (issue 14), when redis-fanout.sh's rows are in the results.</summary>
    private static void PrintRedisTargets()
    {
        const string Two = "fanout-1000-redis-2nodes";
        if (Values(Two, "embedws-redis", "deliveriesPerSec").Count == 0)
        {
            return;
        }

        Target("Redis fan-out, 2 nodes, 1,000 subscribers, 64 B: ≥ 2 × SignalR's deliveries/s", Two, "deliveriesPerSec", "embedws-redis", Two, "deliveriesPerSec", "signalr", 2.0, atLeast: true);
        Target("Redis fan-out, 2 nodes: p99 ≤ SignalR's", Two, "p99Us", "embedws-redis", Two, "p99Us", "signalr", 1.0, atLeast: false);
        foreach (var test in new[] { "fanout-1000-redis-1node", Two })
        {
            var lost = Values(test, "embedws-redis", "lost");
            var gaps = Values(test, "embedws-redis", "gaps");
            if (lost.Count > 0)
            {
                Console.WriteLine($"| {test}: none lost | EmbedWs + Redis lost {lost.Sum()}, gaps {gaps.Sum()} in {lost.Count} runs | {(lost.Sum() + gaps.Sum() == 0 ? "met" : "MISSED")} |");
            }
        }
    }

    private static void Target(string target, string testA, string field, string serverA, string testB, string fieldB, string serverB, double bound, bool atLeast)
    {
        var a = Values(testA, serverA, field);
        var b = Values(testB, serverB, fieldB);
        if (a.Count == 0 || b.Count == 0 || Median(b) == 0)
        {
            Console.WriteLine($"| {target} | not measured | |");
            return;
        }

        double r = Median(a) / Median(b);
        if (!Files(testA, serverA).Overlaps(Files(testB, serverB)))
        {
            // Several results files, and the two sides never ran in the same one: the machine's
            // speed differs between invocations, so the ratio is shown but not judged.
            Console.WriteLine($"| {target} | {Short(Median(a))} / {Short(Median(b))} = {r:0.00}×, from different invocations of run.sh | not judged |");
            return;
        }

        bool met = atLeast ? r >= bound : r <= bound;
        string verdict = met ? "met" : $"MISSED (need {(atLeast ? "≥" : "≤")} {bound:0.0#}×)";
        var rounds = RoundRatios(testA, field, serverA, testB, fieldB, serverB);
        string range = rounds.Count > 1 ? $" (rounds {rounds.Min():0.00}–{rounds.Max():0.00}×)" : "";
        Console.WriteLine($"| {target} | {Short(Median(a))} / {Short(Median(b))} = {r:0.00}×{range} | {verdict} |");
    }

    /// <summary>
    /// Each case of the 0.1 table against its figure then: new / old for EmbedWs, and, since the
    /// machine is not the same from day to day, EmbedWs / Kestrel and EmbedWs / raw TCP then and
    /// now. When the run also measured a build of 0.1 (server embedws-0.1, run.sh's SERVERS_0_1),
    /// the verdict is on that same-run figure, which the machine's mood cannot bias.
    /// </summary>
    private static void PrintBaseline(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var root = doc.RootElement;
        bool sameRun = s_rows.Any(r => Server(r) == "embedws-0.1");
        Console.WriteLine($"Against 0.1 ({root.GetProperty("source").GetString()}): no case more than 5 % worse.");
        if (sameRun)
        {
            Console.WriteLine("This run also measured the 0.1 build (embedws-0.1): the verdict is on now / 0.1 of this run (in brackets, round by round).");
        }

        Console.WriteLine();
        Console.WriteLine("| case | 0.1 EmbedWs | now EmbedWs | now / 0.1 | EmbedWs / Kestrel, 0.1 → now | EmbedWs / raw TCP, 0.1 → now |"
            + (sameRun ? " 0.1 build, this run | now / 0.1 build |" : "") + " |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|" + (sameRun ? "---:|---:|" : "") + "---|");
        foreach (var c in root.GetProperty("cases").EnumerateArray())
        {
            string test = c.GetProperty("test").GetString()!, field = c.GetProperty("field").GetString()!;
            string label = c.GetProperty("label").GetString()!;
            bool higher = c.GetProperty("higherIsBetter").GetBoolean();
            double old = c.GetProperty("embedws").GetDouble();
            var now = Values(test, "embedws", field);
            int decimals = old >= 100 ? 0 : 1;
            if (now.Count == 0)
            {
                Console.WriteLine($"| {test} {label} | {Format(old, decimals)} | not measured | | | |" + (sameRun ? " | |" : "") + " |");
                continue;
            }

            double m = Median(now), r = m / old;
            string extra = "";
            var build = Values(test, "embedws-0.1", field);
            if (sameRun && build.Count > 0 && Median(build) != 0)
            {
                r = m / Median(build);
                var rounds = RoundRatios(test, field, "embedws", test, field, "embedws-0.1");
                string range = rounds.Count > 1 ? $" ({rounds.Min():0.00}–{rounds.Max():0.00}×)" : "";
                extra = $" {Format(Median(build), decimals)} | {r:0.00}×{range} |";
            }
            else if (sameRun)
            {
                extra = " – | – |";
            }

            bool met = higher ? r >= 0.95 : r <= 1.05;
            Console.WriteLine($"| {test} {label} | {Format(old, decimals)} | {Format(m, decimals)} | {m / old:0.00}× | "
                + $"{Versus(c, test, field, m, "kestrel")} | {Versus(c, test, field, m, "rawtcp")} |{extra} "
                + $"{(met ? "met" : $"MISSED ({(higher ? "need ≥ 0.95×" : "need ≤ 1.05×")})")} |");
        }
    }

    /// <summary>"0.1 ratio → this run's ratio" against <paramref name="reference"/>, or "–".</summary>
    private static string Versus(JsonElement c, string test, string field, double now, string reference)
    {
        var refNow = Values(test, reference, field);
        if (!c.TryGetProperty(reference, out var refOld) || refOld.GetDouble() == 0 || refNow.Count == 0 || Median(refNow) == 0)
        {
            return "–";
        }

        return $"{c.GetProperty("embedws").GetDouble() / refOld.GetDouble():0.00}× → {now / Median(refNow):0.00}×";
    }

    /// <summary>The results files in which <paramref name="server"/> ran <paramref name="test"/>.</summary>
    private static HashSet<int> Files(string test, string server) =>
        Enumerable.Range(0, s_rows.Count).Where(i => Test(s_rows[i]) == test && Server(s_rows[i]) == server)
            .Select(i => s_fileOf[i]).ToHashSet();

    /// <summary>The ratio A / B per round (results file and run number) where both have a result.</summary>
    private static List<double> RoundRatios(string testA, string field, string serverA, string testB, string fieldB, string serverB)
    {
        var b = Runs(testB, serverB, fieldB);
        return Runs(testA, serverA, field)
            .Where(p => b.ContainsKey(p.Key) && b[p.Key] != 0)
            .Select(p => p.Value / b[p.Key]).ToList();
    }

    private static Dictionary<(int File, int Run), double> Runs(string test, string server, string field) => Enumerable.Range(0, s_rows.Count)
        .Where(i => Test(s_rows[i]) == test && Server(s_rows[i]) == server && s_rows[i].TryGetProperty(field, out _) && !s_rows[i].TryGetProperty("error", out _))
        .GroupBy(i => (s_fileOf[i], s_rows[i].GetProperty("run").GetInt32()))
        .ToDictionary(g => g.Key, g => s_rows[g.Last()].GetProperty(field).GetDouble());

    private static string Cell(string test, string server, string field, int decimals)
    {
        var v = Values(test, server, field);
        if (v.Count == 0)
        {
            // "error" for a server whose run failed; "–" for one that ran but does not report
            // this metric (no GET /stats in the console host or Node, for instance).
            return s_rows.Any(r => Test(r) == test && Server(r) == server && r.TryGetProperty("error", out _)) ? "error" : "–";
        }

        return v.Count == 1 ? Format(v[0], decimals) : $"{Format(Median(v), decimals)} ({Format(v.Min(), decimals)}–{Format(v.Max(), decimals)})";
    }

    private static string RatioCell(string test, string field, string server, string reference)
    {
        var a = Values(test, server, field);
        var b = Values(test, reference, field);
        return a.Count == 0 || b.Count == 0 || Median(b) == 0 ? "–" : $"{Median(a) / Median(b):0.00}×";
    }

    private static List<double> Values(string test, string server, string field) => s_rows
        .Where(r => Test(r) == test && Server(r) == server && r.TryGetProperty(field, out _) && !r.TryGetProperty("error", out _))
        .Select(r => r.GetProperty(field).GetDouble()).ToList();

    private static string Test(JsonElement r) => r.GetProperty("test").GetString()!;

    private static string Server(JsonElement r) => r.GetProperty("server").GetString()!;

    private static double Median(List<double> v)
    {
        var s = v.OrderBy(x => x).ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
    }

    private static string Short(double v) => Format(v, v >= 100 ? 0 : 1);

    private static string Format(double v, int decimals) => v.ToString(decimals == 0 ? "N0" : "N" + decimals, CultureInfo.InvariantCulture);
}
