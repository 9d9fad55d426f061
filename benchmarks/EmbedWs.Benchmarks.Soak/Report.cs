using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>The soak's Markdown: the table as it runs, then the figures and the verdict.</summary>
internal static class Report
{
    // Growth from the middle third of the run to the last third that still counts as flat.
    private const double FlatRatio = 0.10;
    private const double FlatThreads = 2;
    private const double FlatHandles = 20;

    public static void Header(DriverOptions o, int pid)
    {
        Out($"Soak: {o.Connections:N0} connections for {o.Duration:N0} s (ramp {o.Ramp:N0} s, sample every {o.Sample:N0} s), " +
            $"server pid {pid} at {o.EndPoint}, heartbeat {o.HeartbeatInterval} s / {o.HeartbeatTimeout} s, " +
            $"{o.Rate} echo messages/s per chatting connection, {o.Sources.Length} source addresses, seed {o.Seed}.");
        Out("");
        Out("| t s | phase | live | opened | echo sent | echo recv | push recv | tick recv | lost | dup | reord | hb closes | resets | failures | RSS MiB | heap MiB | live MiB | threads | handles | srv conns | TIME_WAIT |");
        Out("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    }

    public static void Row(Sample s)
    {
        string rss = s.Proc is { } p ? Mib(p.RssKiB * 1024) : "-";
        string heap = s.HeapBytes >= 0 ? Mib(s.HeapBytes) : "-";
        string live = s.LiveBytes >= 0 ? Mib(s.LiveBytes) : "-";
        Out($"| {s.T:0} | {s.Phase} | {s.Live:N0} | {s.Opened:N0} | {s.EchoSent:N0} | {s.EchoReceived:N0} | {s.PushReceived:N0} | {s.TickReceived:N0} | " +
            $"{s.Lost} | {s.Duplicates} | {s.Reordered} | {s.HeartbeatCloses:N0} | {s.Resets:N0} | {s.Failures} | {rss} | {heap} | {live} | " +
            $"{s.Proc?.Threads.ToString(CultureInfo.InvariantCulture) ?? "-"} | {s.Proc?.Handles.ToString("N0", CultureInfo.InvariantCulture) ?? "-"} | " +
            $"{(s.ServerConnections >= 0 ? s.ServerConnections.ToString("N0", CultureInfo.InvariantCulture) : "-")} | {s.TimeWait:N0} |");
    }

    /// <summary>Prints the figures and the verdict; returns the exit code (0 pass, 1 a check failed, 3 cut off, 4 the server died).</summary>
    public static int Print(DriverOptions o, ClientStats st, List<Sample> samples, bool serverDied, bool cutOff)
    {
        var failures = new List<string>();
        var last = samples.LastOrDefault();
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
        Out($"{delivered:N0} messages delivered and checked. \"sent\" for push and tick is what the server queued, " +
            "including to connections that then reset or went silent, whose tails are not counted.");

        Out("");
        Out("### Connections");
        Out("");
        Out($"- opened {st.Opened:N0}: chat {st.Chats:N0}, idle {st.Idles:N0}, silent {st.Silents:N0}");
        Out($"- ended: normal close after \"bye\" {st.NormalCloses:N0}, reset mid-stream {st.Resets:N0}, " +
            $"closed by the heartbeat {st.HeartbeatCloses:N0} (close frame {st.HeartbeatMinMs / 1000.0:0.0}–{st.HeartbeatMaxMs / 1000.0:0.0} s after the connection's last message), " +
            $"silent at the end and reset {st.StoppedWhileSilent:N0}");
        Out($"- pings received {st.Pings:N0} (answered unless silent)");
        Failure(failures, st.ConnectFailures, "connections that could not be opened");
        Failure(failures, st.UnexpectedCloses, "connections the server closed while they chatted or answered pings");
        Failure(failures, st.HeartbeatMissed, "silent connections the heartbeat did not close in time");
        Failure(failures, st.HeartbeatWithoutCloseFrame, "silent connections dropped without the 1001 close frame");
        Failure(failures, st.ByeTimeouts, "\"bye\" not answered in time");
        Failure(failures, st.CloseHandshakeFailures, "closing handshakes (or dead-peer drops) not completed in time");
        Failure(failures, st.Corrupt, "corrupt or unexpected messages");
        Failure(failures, st.EchoesMissingAtServer, "echo messages the server did not count");
        Failure(failures, st.NoWelcome, "connections without a welcome");
        foreach (var (name, c) in new[] { ("echo", st.Echo), ("push", st.Push), ("tick", st.Tick) })
        {
            Failure(failures, c.Lost, $"{name} messages lost");
            Failure(failures, c.Duplicates, $"{name} messages duplicated");
            Failure(failures, c.Reordered, $"{name} messages out of order");
            Failure(failures, c.Extra, $"{name} messages past the end the server announced");
        }

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

        Flatness(o, samples, failures);
        if (serverDied)
        {
            failures.Add("the server process died");
        }

        if (cutOff)
        {
            failures.Add($"the run was cut off at its deadline ({o.Duration + o.Grace + 60:N0} s)");
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
    /// The server's resources after warm-up: the mean of the middle third of the run against the
    /// mean of the last third. RSS and heap may grow at most 10 %, threads by 2, handles (less
    /// the connections the server holds) by 20. Growth is reported, and is a failure only for
    /// handles, where it cannot be the runtime's choice.
    /// </summary>
    private static void Flatness(DriverOptions o, List<Sample> samples, List<string> failures)
    {
        var run = samples.Where(s => s.Phase is "start" or "ramp" or "run" && s.Proc is not null).ToList();
        var start = run.FirstOrDefault();
        var afterRamp = run.FirstOrDefault(s => s.T >= o.Ramp && s.Phase == "run");
        var middle = run.OrderBy(s => Math.Abs(s.T - (o.Duration / 2))).FirstOrDefault();
        var end = run.LastOrDefault();
        var after = samples.LastOrDefault(s => s.Phase == "after" && s.Proc is not null);

        Out("");
        Out("### Server process");
        Out("");
        Out("| | t s | live | RSS MiB | heap MiB | live after full GC MiB | threads | handles | srv conns |");
        Out("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, s) in new[] { ("start (no load)", start), ("after the ramp", afterRamp), ("middle", middle), ("end of the run", end), ("after every client closed, and a full GC", after) })
        {
            if (s?.Proc is { } p)
            {
                Out($"| {name} | {s.T:0} | {s.Live:N0} | {Mib(p.RssKiB * 1024)} | {(s.HeapBytes >= 0 ? Mib(s.HeapBytes) : "-")} | {(s.LiveBytes >= 0 ? Mib(s.LiveBytes) : "-")} | {p.Threads} | {p.Handles:N0} | {s.ServerConnections:N0} |");
            }
        }

        var mid = run.Where(s => s.T >= o.Duration / 3 && s.T < 2 * o.Duration / 3).ToList();
        var tail = run.Where(s => s.T >= 2 * o.Duration / 3).ToList();
        Out("");
        if (mid.Count == 0 || tail.Count == 0)
        {
            Out("Too few samples for the flatness check (lower --sample or run longer).");
            return;
        }

        Out($"Flat after warm-up? Means of the middle third ({mid.Count} samples) against the last third ({tail.Count} samples):");
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

        double tm = mid.Average(s => s.Proc!.Threads), tt = tail.Average(s => s.Proc!.Threads);
        Out($"- threads: {tm:0.0} → {tt:0.0} ({(tt - tm <= FlatThreads ? "flat" : "GROWING")})");
        double hm = mid.Average(s => s.Proc!.Handles - Math.Max(0, s.ServerConnections)), ht = tail.Average(s => s.Proc!.Handles - Math.Max(0, s.ServerConnections));
        bool handlesFlat = ht - hm <= FlatHandles;
        Out($"- handles less the server's connections: {hm:0.0} → {ht:0.0} ({(handlesFlat ? "flat" : "GROWING")}); " +
            $"handles {mid.Average(s => s.Proc!.Handles):N0} → {tail.Average(s => s.Proc!.Handles):N0} with {mid.Average(s => s.ServerConnections):N0} → {tail.Average(s => s.ServerConnections):N0} connections");
        if (!handlesFlat)
        {
            failures.Add("handles grew with the connections steady (a leak)");
        }

        if (after?.Proc is { } ap && start?.Proc is { } sp)
        {
            Out($"- after every client closed: {ap.Handles - sp.Handles:+0;-0;0} handles and {ap.Threads - sp.Threads:+0;-0;0} threads against the start, " +
                $"RSS {Mib(ap.RssKiB * 1024)} MiB, live managed data after a full compacting GC {(after.LiveBytes >= 0 ? Mib(after.LiveBytes) : "-")} MiB");
        }
    }

    private static void Ratio(string name, double middle, double last, string unit)
    {
        double growth = middle <= 0 ? 0 : (last - middle) / middle;
        Out($"- {name}: {middle:N1} → {last:N1} {unit} ({growth:+0.0%;-0.0%;0.0%}, {(growth <= FlatRatio ? "flat" : "GROWING")})");
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
