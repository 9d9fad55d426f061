using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace EmbedWs.Benchmarks.Load;

/// <summary>
/// Reads the JSON lines of a suite run and prints the Markdown table: per test and metric, the
/// median and min–max of the runs for each server, the ratios EmbedWs / Kestrel and EmbedWs /
/// raw TCP, then the targets of the benchmark issue, met or missed.
/// </summary>
internal static class Report
{
    private static readonly string[] s_servers = { "embedws", "kestrel", "rawtcp" };

    // (JSON field, label, decimals) per mode.
    private static readonly Dictionary<string, (string Field, string Label, int Decimals)[]> s_metrics = new()
    {
        ["echo"] = new[] { ("msgPerSec", "messages/s", 0), ("mbPerSec", "MB/s", 1), ("p50Us", "p50 µs", 1), ("p90Us", "p90 µs", 1), ("p99Us", "p99 µs", 1), ("p999Us", "p99.9 µs", 1), ("fairness", "fairness (min/max per connection)", 2) },
        ["route"] = new[] { ("msgPerSec", "replies/s", 0), ("p50Us", "p50 µs", 1), ("p99Us", "p99 µs", 1), ("fairness", "fairness (min/max per connection)", 2) },
        ["fanout"] = new[] { ("deliveriesPerSec", "deliveries/s", 0), ("p50Us", "p50 µs", 1), ("p99Us", "p99 µs", 1), ("lost", "lost messages", 0) },
        ["conns"] = new[] { ("connPerSec", "connections/s", 0), ("kibPerConn", "server KiB/connection", 1), ("failures", "failures", 0) },
    };

    private static List<JsonElement> s_rows = new();

    public static int Print(string[] files)
    {
        if (files.Length == 0)
        {
            Console.Error.WriteLine("usage: report RESULTS.jsonl");
            return 2;
        }

        s_rows = files.SelectMany(File.ReadLines).Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var tests = s_rows.Select(r => r.GetProperty("test").GetString()!).Distinct().ToList();
        Console.WriteLine("| test | metric | EmbedWs | Kestrel | raw TCP | EmbedWs / Kestrel | EmbedWs / raw TCP |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var test in tests)
        {
            string mode = s_rows.First(r => Test(r) == test).GetProperty("mode").GetString()!;
            foreach (var (field, label, decimals) in s_metrics[mode])
            {
                var cells = s_servers.Select(s => Cell(test, s, field, decimals)).ToList();
                Console.WriteLine($"| {test} | {label} | {cells[0]} | {cells[1]} | {cells[2]} | {Ratio(test, field, "kestrel")} | {Ratio(test, field, "rawtcp")} |");
            }
        }

        var errors = s_rows.Where(r => r.TryGetProperty("error", out _)).ToList();
        Console.WriteLine();
        Console.WriteLine($"Cells: median of the runs (min–max). {s_rows.Count} runs, {errors.Count} failed.");
        foreach (var e in errors)
        {
            Console.WriteLine($"- failed: {Test(e)} {e.GetProperty("server").GetString()} run {e.GetProperty("run")}: {e.GetProperty("error").GetString()}");
        }

        Console.WriteLine();
        PrintTargets();
        return 0;
    }

    private static void PrintTargets()
    {
        Console.WriteLine("| target | measured (medians) | |");
        Console.WriteLine("|---|---|---|");
        Ratio("echo, 50 connections × 8 in flight, 32 B: ≥ 1.3 × Kestrel messages/s", "echo-50x8-32B", "msgPerSec", "embedws", "echo-50x8-32B", "msgPerSec", "kestrel", 1.3, atLeast: true);
        Ratio("echo, 50 connections × 8 in flight, 32 B: ≥ 0.7 × raw TCP messages/s", "echo-50x8-32B", "msgPerSec", "embedws", "echo-50x8-32B", "msgPerSec", "rawtcp", 0.7, atLeast: true);
        Ratio("echo, 1 connection × 1 in flight, 32 B: p50 ≤ Kestrel's", "echo-1x1-32B", "p50Us", "embedws", "echo-1x1-32B", "p50Us", "kestrel", 1.0, atLeast: false);
        Ratio("echo, 1 connection × 1 in flight, 32 B: p99 ≤ Kestrel's", "echo-1x1-32B", "p99Us", "embedws", "echo-1x1-32B", "p99Us", "kestrel", 1.0, atLeast: false);
        Ratio("echo, 10 connections × 4 in flight, 64 KiB: ≥ 3 × Kestrel MB/s", "echo-10x4-64KiB", "mbPerSec", "embedws", "echo-10x4-64KiB", "mbPerSec", "kestrel", 3.0, atLeast: true);
        Ratio("fanout, 1,000 subscribers, 64 B: ≥ 3 × Kestrel deliveries/s", "fanout-1000-64B", "deliveriesPerSec", "embedws", "fanout-1000-64B", "deliveriesPerSec", "kestrel", 3.0, atLeast: true);
        var lost = Values("fanout-1000-64B", "embedws", "lost");
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

        Ratio("route, 50 × 8: ≥ 0.6 × our own echo messages/s", "route-50x8", "msgPerSec", "embedws", "echo-50x8-32B", "msgPerSec", "embedws", 0.6, atLeast: true);
        Console.WriteLine("| steady state: 0 allocations per echoed message in the engine | see the micro benchmark EchoLoopback (Allocated per op) | |");
    }

    private static void Ratio(string target, string testA, string field, string serverA, string testB, string fieldB, string serverB, double bound, bool atLeast)
    {
        var a = Values(testA, serverA, field);
        var b = Values(testB, serverB, fieldB);
        if (a.Count == 0 || b.Count == 0 || Median(b) == 0)
        {
            Console.WriteLine($"| {target} | not measured | |");
            return;
        }

        double r = Median(a) / Median(b);
        bool met = atLeast ? r >= bound : r <= bound;
        string verdict = met ? "met" : $"MISSED (need {(atLeast ? "≥" : "≤")} {bound:0.0#}×)";
        Console.WriteLine($"| {target} | {Short(Median(a))} / {Short(Median(b))} = {r:0.00}× | {verdict} |");
    }

    private static string Cell(string test, string server, string field, int decimals)
    {
        var v = Values(test, server, field);
        if (v.Count == 0)
        {
            return s_rows.Any(r => Test(r) == test && Server(r) == server) ? "error" : "–";
        }

        return v.Count == 1 ? Format(v[0], decimals) : $"{Format(Median(v), decimals)} ({Format(v.Min(), decimals)}–{Format(v.Max(), decimals)})";
    }

    private static string Ratio(string test, string field, string reference)
    {
        var a = Values(test, "embedws", field);
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
