using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>The soak's Markdown: the table as it runs, then the figures and the verdict.</summary>
internal static class Report
{
    // A timing failure is put down to the machine when the two processes were stalled for at
    // least this long, together, in the lookback before it (a 5 s heartbeat timeout, a 10 s
    // connect timeout: a 2 s stall seen from 500 ms up hides smaller delays around it).
    private const long ExcuseLookbackMs = 15_000;
    private const long ExcuseStallMs = 2_000;

    // The server's own I/O delays count as the machine's only while other processes took at
    // least this share of the server's CPU: it had less than 3/4 of a core. Below, the delay is the server's.
    private const double ContendedPercent = 25;

    public static void Header(DriverOptions o, int pid)
    {
        Out($"Soak: {o.Connections:N0} connections for {o.Duration:N0} s (ramp {o.Ramp:N0} s, sample every {o.Sample:N0} s), " +
            $"server pid {pid} at {o.EndPoint}, heartbeat {o.HeartbeatInterval} s / {o.HeartbeatTimeout} s, " +
            $"{o.Rate} echo messages/s per chatting connection, {o.Sources.Length} source addresses, seed {o.Seed}.");
        Out("");
        Out("\"failures\" counts timing failures too, before they are weighed against the stalls. \"stall/io s\": the time so far " +
            "that the process could not run (stall) and its socket reads were late (io), in delays of 500 ms or more. " +
            "\"cpu/others %\": since the previous row, the CPU the process used / the CPU other processes used on the CPUs it is pinned to.");
        Out("");
        Out("| t s | phase | live | opened | echo sent | echo recv | push recv | tick recv | lost | dup | reord | hb closes | resets | failures | " +
            "cli stall/io s | srv stall/io s | cli cpu/others % | srv cpu/others % | RSS MiB | heap MiB | live MiB | threads | handles (sockets) | srv conns | TIME_WAIT |");
        Out("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    }

    public static void Row(Sample s)
    {
        string rss = s.Proc is { } p ? Mib(p.RssKiB * 1024) : "-";
        string heap = s.HeapBytes >= 0 ? Mib(s.HeapBytes) : "-";
        string live = s.LiveBytes >= 0 ? Mib(s.LiveBytes) : "-";
        string cli = $"{s.ClientStallMs / 1000.0:0.0}/{s.ClientIoMs / 1000.0:0.0}";
        string srv = s.ServerStallMs >= 0 ? $"{s.ServerStallMs / 1000.0:0.0}/{s.ServerIoMs / 1000.0:0.0}" : "-";
        string handles = s.Proc is { } q ? $"{q.Handles:N0} ({q.Sockets:N0})" : "-";
        Out($"| {s.T:0} | {s.Phase} | {s.Live:N0} | {s.Opened:N0} | {s.EchoSent:N0} | {s.EchoReceived:N0} | {s.PushReceived:N0} | {s.TickReceived:N0} | " +
            $"{s.Lost} | {s.Duplicates} | {s.Reordered} | {s.HeartbeatCloses:N0} | {s.Resets:N0} | {s.Failures} | {cli} | {srv} | {Use(s.ClientUsage)} | {Use(s.ServerUsage)} | {rss} | {heap} | {live} | " +
            $"{s.Proc?.Threads.ToString(CultureInfo.InvariantCulture) ?? "-"} | {handles} | " +
            $"{(s.ServerConnections >= 0 ? s.ServerConnections.ToString("N0", CultureInfo.InvariantCulture) : "-")} | {s.TimeWait:N0} |");
    }

    /// <summary>Prints the figures and the verdict; returns the exit code (0 pass, 1 a check failed, 3 cut off, 4 the server died).</summary>
    public static int Print(DriverOptions o, ClientStats st, List<Sample> samples, Watched client, Watched server0, bool serverDied, bool cutOff)
    {
        var failures = new List<string>();
        var server = samples.LastOrDefault(s => s.Server is not null)?.Server;

        Out("");
        Out("### Messages");
        Out("");
        Out("| stream | sent | received | lost | duplicated | reordered | past the end |");
        Out("|---|---:|---:|---:|---:|---:|---:|");
        Stream("echo (client → server → client)", st.EchoSent, st.Echo);
        Stream("push (server → one connection)", server is { } s1 ? Long(s1, "pushes") : -1, st.Push);
        Stream("tick (server → each member of a group)", server is { } s2 ? Long(s2, "tickDeliveries") : -1, st.Tick);
        long delivered = st.Echo.Received + st.Push.Received + st.Tick.Received;
        Out("");
        Out($"{delivered:N0} messages delivered and checked. \"sent\" is what the client sent (echo) or the server queued (push, tick), " +
            "including to connections that then reset or went silent, whose tails are not counted.");
        foreach (var (name, c) in new[] { ("echo", st.Echo), ("push", st.Push), ("tick", st.Tick) })
        {
            Failure(failures, c.Lost, $"{name} messages lost");
            Failure(failures, c.Duplicates, $"{name} messages duplicated");
            Failure(failures, c.Reordered, $"{name} messages out of order");
            Failure(failures, c.Extra, $"{name} messages past the end the server announced");
        }

        Out("");
        Out("### Connections");
        Out("");
        Out($"- opened {st.Opened:N0}: chat {st.Chats:N0}, idle {st.Idles:N0}, silent {st.Silents:N0}");
        Out($"- ended: normal close after \"bye\" {st.NormalCloses:N0}, reset mid-stream {st.Resets:N0}, " +
            $"closed by the heartbeat {st.HeartbeatCloses:N0} (close frame {st.HeartbeatMinMs / 1000.0:0.0}–{st.HeartbeatMaxMs / 1000.0:0.0} s after the 101), " +
            $"silent at the end and reset {st.StoppedWhileSilent:N0}");
        Out($"- pings received {st.Pings:N0} (answered unless silent)");
        Failure(failures, st.UnexpectedCloses, "connections the server closed, other than by the heartbeat, while they chatted or idled");
        Failure(failures, st.HeartbeatWithoutCloseFrame, "silent connections dropped without the 1001 close frame");
        Failure(failures, st.Corrupt, "corrupt or unexpected messages");
        Failure(failures, st.EchoesMissingAtServer, "echo messages the server did not count");
        Failure(failures, st.ClientErrors, "errors in the soak client itself");
        Timing(st, samples, client, server0, failures);

        if (server is { } sv)
        {
            Out("");
            Out("### Server");
            Out("");
            var closes = sv.GetProperty("closes").EnumerateObject().Where(p => p.Value.GetInt64() > 0).Select(p => $"{p.Name} {p.Value.GetInt64():N0}");
            Out($"- connects {Long(sv, "connects"):N0}; closes by cause: {string.Join(", ", closes)}");
            Out($"- echoed {Long(sv, "echoes"):N0}, pushed {Long(sv, "pushes"):N0}, ticks {Long(sv, "ticks"):N0} ({Long(sv, "tickDeliveries"):N0} deliveries), \"bye\" answered {Long(sv, "byes"):N0}");
            Out($"- at the end: connections {Long(sv, "connections")}, peers {Long(sv, "peers")}, groups with members {Long(sv, "groups")}, " +
                $"members {Long(sv, "groupMembers")}; gen2 GCs {Long(sv, "gen2")}, thread-pool threads {Long(sv, "threadPoolThreads")}");
            Failure(failures, Long(sv, "errors"), $"errors raised on OnError (first: {(sv.TryGetProperty("firstError", out var fe) ? fe.ToString() : "")})");
            Failure(failures, Long(sv, "closeWithoutPeer"), "OnClose without OnConnect, or twice");
            Failure(failures, Long(sv, "messageWithoutPeer"), "messages before OnConnect or after OnClose");
            if (!cutOff && !serverDied)
            {
                Failure(failures, Long(sv, "connections") + Long(sv, "peers"), "connections the server still held after every client had gone");
                Failure(failures, Long(sv, "groupMembers"), "group members left after every client had gone");
            }
        }

        Resources(o, samples, failures);
        if (serverDied)
        {
            failures.Add("the server process died");
        }

        if (cutOff)
        {
            failures.Add($"the run was cut off at its deadline ({o.HardDeadline:N0} s)");
        }

        var problems = st.Problems;
        if (problems.Length > 0)
        {
            Out("");
            Out("### First problems seen");
            Out("");
            foreach (var p in problems)
            {
                Out("- " + p);
            }
        }

        Out("");
        Out(failures.Count == 0 ? "**Result: PASS**" : "**Result: FAIL**: " + string.Join("; ", failures));
        return serverDied ? 4 : cutOff ? 3 : failures.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// The timing failures, each weighed against what held the two processes up in the 15 s
    /// before it: the client's stalls and I/O delays (the client late is never the server's
    /// fault), the server's stalls, and the server's I/O delays while other processes took at
    /// least 25 % of its CPU. With 2 s or more of those, the machine could not keep the
    /// deadline: the failure is reported but excused. Otherwise it fails the run. Losses,
    /// duplicates, reorders and corrupt messages are never excused.
    /// </summary>
    private static void Timing(ClientStats st, List<Sample> samples, Watched client, Watched server, List<string> failures)
    {
        Out("");
        Out("### Stalls, I/O delays and timing failures");
        Out("");
        Describe("client", client);
        Describe("server", server);
        var events = st.TimingFailures;
        if (events.Length == 0)
        {
            Out("- timing failures: none");
            return;
        }

        var clientLate = client.Stalls.Concat(client.IoDelays).ToArray();
        bool Excused((long UnixMs, string Kind) e)
        {
            var covering = samples.FirstOrDefault(s => s.UnixMs >= e.UnixMs);
            bool contended = covering is not null && covering.ServerUsage.OthersPercent >= ContendedPercent;
            long late = StallWatch.StalledBefore(clientLate, e.UnixMs, ExcuseLookbackMs)
                + StallWatch.StalledBefore(contended ? server.Stalls.Concat(server.IoDelays) : server.Stalls, e.UnixMs, ExcuseLookbackMs);
            return late >= ExcuseStallMs;
        }

        Out("");
        Out("| timing failure | count | excused (the machine) | not excused (fails the run) |");
        Out("|---|---:|---:|---:|");
        foreach (var kind in events.GroupBy(e => e.Kind))
        {
            int count = kind.Count(), excused = kind.Count(Excused);
            Out($"| {kind.Key} | {count:N0} | {excused:N0} | {count - excused:N0} |");
            Failure(failures, count - excused, $"{kind.Key} (not explained by the machine)");
        }

        Out("");
        Out("Where they happened (the sample after each):");
        Out("");
        foreach (var group in events.GroupBy(e => samples.FirstOrDefault(s => s.UnixMs >= e.UnixMs)).Where(g => g.Key is not null))
        {
            var s = group.Key!;
            Out($"- t {s.T:0} s: {group.Count():N0} ({group.Count(Excused):N0} excused); " +
                $"client cpu/others {Use(s.ClientUsage)} %, server cpu/others {Use(s.ServerUsage)} %");
        }
    }

    private static void Describe(string name, Watched w) =>
        Out($"- {name}: stalled {w.Stalls.Sum(s => s.Ms) / 1000.0:N1} s ({w.Stalls.Length:N0} stalls of 0.5 s or more, longest " +
            $"{w.Stalls.Select(s => s.Ms).DefaultIfEmpty(0).Max() / 1000.0:N1} s); socket reads late {w.IoDelays.Sum(s => s.Ms) / 1000.0:N1} s " +
            $"({w.IoDelays.Length:N0} delays of 0.5 s or more, longest {w.IoDelays.Select(s => s.Ms).DefaultIfEmpty(0).Max() / 1000.0:N1} s)");

    private static string Use(Usage u) => u.CpuPercent < 0 ? "-" : $"{u.CpuPercent:0}/{u.OthersPercent:0}";

    /// <summary>
    /// The server's resources: RSS, heap and live data, threads, handles at the start, after the
    /// ramp, in the middle, at the end, after every client closed and once quiet; the means of
    /// the middle third of the run against the last third. Growth there is reported, not failed
    /// (the runtime chooses when to collect and how many threads to keep). Sockets are exact:
    /// once every client has gone, the server must hold no more sockets than at the start.
    /// </summary>
    private static void Resources(DriverOptions o, List<Sample> samples, List<string> failures)
    {
        var run = samples.Where(s => s.Phase is "start" or "ramp" or "run" && s.Proc is not null).ToList();
        var start = run.FirstOrDefault();
        var afterRamp = run.FirstOrDefault(s => s.T >= o.Ramp && s.Phase == "run");
        var middle = run.OrderBy(s => Math.Abs(s.T - (o.Duration / 2))).FirstOrDefault();
        var end = run.LastOrDefault();
        var after = samples.LastOrDefault(s => s.Phase == "after" && s.Proc is not null);
        var quiet = samples.LastOrDefault(s => s.Phase == "quiet" && s.Proc is not null);

        Out("");
        Out("### Server process");
        Out("");
        Out("| | t s | live | RSS MiB | heap MiB | live after full GC MiB | threads | handles | sockets | srv conns |");
        Out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, s) in new[]
        {
            ("start (no load)", start), ("after the ramp", afterRamp), ("middle", middle), ("end of the run", end),
            ("every client gone, full GC", after), ("25 s later, full GC", quiet),
        })
        {
            if (s?.Proc is { } p)
            {
                Out($"| {name} | {s.T:0} | {s.Live:N0} | {Mib(p.RssKiB * 1024)} | {(s.HeapBytes >= 0 ? Mib(s.HeapBytes) : "-")} | " +
                    $"{(s.LiveBytes >= 0 ? Mib(s.LiveBytes) : "-")} | {p.Threads} | {p.Handles:N0} | {p.Sockets:N0} | {s.ServerConnections:N0} |");
            }
        }

        var final = quiet ?? after;
        if (final?.Proc is { } fp && start?.Proc is { } sp)
        {
            // One socket of slack: the /stats request being answered.
            Failure(failures, fp.Sockets - sp.Sockets - 1, "sockets the server still held after every client had gone (a leak)");
        }

        var mid = run.Where(s => s.T >= o.Duration / 3 && s.T < 2 * o.Duration / 3).ToList();
        var tail = run.Where(s => s.T >= 2 * o.Duration / 3).ToList();
        Out("");
        if (mid.Count == 0 || tail.Count == 0)
        {
            Out("Too few samples to compare the thirds of the run (lower --sample or run longer).");
            return;
        }

        Out($"Flat after warm-up? Means of the middle third of the run ({mid.Count} samples) against the last third ({tail.Count} samples):");
        Out("");
        Ratio("RSS", mid.Average(s => s.Proc!.RssKiB / 1024.0), tail.Average(s => s.Proc!.RssKiB / 1024.0), "MiB");
        if (mid.All(s => s.HeapBytes >= 0) && tail.All(s => s.HeapBytes >= 0))
        {
            Ratio("managed heap", mid.Average(s => s.HeapBytes / 1048576.0), tail.Average(s => s.HeapBytes / 1048576.0), "MiB");
        }

        if (mid.All(s => s.LiveBytes >= 0) && tail.All(s => s.LiveBytes >= 0))
        {
            Ratio("live data after full GCs", mid.Average(s => s.LiveBytes / 1048576.0), tail.Average(s => s.LiveBytes / 1048576.0), "MiB");
        }

        Ratio("threads", mid.Average(s => s.Proc!.Threads), tail.Average(s => s.Proc!.Threads), "");
        Ratio("handles", mid.Average(s => s.Proc!.Handles), tail.Average(s => s.Proc!.Handles), "");
        Ratio("server connections", mid.Average(s => Math.Max(0, s.ServerConnections)), tail.Average(s => Math.Max(0, s.ServerConnections)), "");
        if (final?.Proc is { } f && start?.Proc is { } s0)
        {
            Out($"- every client gone and quiet, against the start: handles {f.Handles - s0.Handles:+0;-0;0} (sockets {f.Sockets - s0.Sockets:+0;-0;0}), " +
                $"threads {f.Threads - s0.Threads:+0;-0;0}, RSS {Mib(f.RssKiB * 1024)} MiB (start {Mib(s0.RssKiB * 1024)}), " +
                $"live managed data after a full compacting GC {(final.LiveBytes >= 0 ? Mib(final.LiveBytes) : "-")} MiB");
        }
    }

    private static void Ratio(string name, double middle, double last, string unit)
    {
        double growth = middle <= 0 ? 0 : (last - middle) / middle;
        string u = unit.Length > 0 ? " " + unit : "";
        Out($"- {name}: {middle:N1} → {last:N1}{u} ({growth:+0.0%;-0.0%;0.0%})");
    }

    private static void Stream(string name, long sent, StreamCounters c) =>
        Out($"| {name} | {(sent >= 0 ? sent.ToString("N0", CultureInfo.InvariantCulture) : "-")} | {c.Received:N0} | {c.Lost} | {c.Duplicates} | {c.Reordered} | {c.Extra} |");

    private static void Failure(List<string> failures, long count, string what)
    {
        if (count > 0)
        {
            failures.Add($"{count:N0} {what}");
        }
    }

    private static long Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("N1", CultureInfo.InvariantCulture);

    private static void Out(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }
}
