using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>
/// Since the previous sample, in percent of the wall time: the CPU a process used, and the CPU
/// other processes used on the CPUs it may run on (100 per CPU; -1 unknown).
/// </summary>
internal readonly record struct Usage(double CpuPercent, double OthersPercent)
{
    public static Usage Between(CpuTimes? before, CpuTimes? after, double wallMs)
    {
        if (before is not { } b || after is not { } a || wallMs <= 0)
        {
            return new Usage(-1, -1);
        }

        double cpu = a.CpuMs - b.CpuMs, busy = a.CpusBusyMs - b.CpusBusyMs;
        return new Usage(100 * cpu / wallMs, Math.Max(0, 100 * (busy - cpu) / wallMs));
    }
}

/// <summary>One row of the table: the clients' counters and the server process at one moment.</summary>
internal sealed record Sample(
    double T, string Phase, long Live, long Opened, long EchoSent, long EchoReceived, long PushReceived, long TickReceived,
    long Lost, long Duplicates, long Reordered, long HeartbeatCloses, long Resets, long Failures,
    ProcSample? Proc, int TimeWait, JsonElement? Server, long ClientStallMs, long ClientIoMs, long UnixMs,
    Usage ServerUsage, Usage ClientUsage)
{
    public long ServerStallMs => Server is { } s ? s.GetProperty("stallTotalMs").GetInt64() : -1;
    public long ServerIoMs => Server is { } s ? s.GetProperty("ioDelayTotalMs").GetInt64() : -1;

    public long ServerConnections => Server is { } s ? s.GetProperty("connections").GetInt64() : -1;
    public long HeapBytes => Server is { } s ? s.GetProperty("heapBytes").GetInt64() : -1;

    /// <summary>Live managed data after the server's last full collection; -1 before the first.</summary>
    public long LiveBytes => Server is { } s ? s.GetProperty("liveAfterFullGcBytes").GetInt64() : -1;
}

/// <summary>
/// The client side of the soak: starts <c>--connections</c> slots (see <see cref="Behaviours"/>),
/// samples the server every <c>--sample</c> seconds, stops them after <c>--duration</c>, waits
/// up to <c>--grace</c> for every connection to close, and prints the table and the verdict.
/// Whatever hangs, the process ends by <see cref="DriverOptions.HardDeadline"/>.
/// </summary>
internal sealed class Driver
{
    private readonly DriverOptions _o;
    private readonly ClientStats _stats = new();
    private readonly ServerProbe _probe;
    private readonly List<Sample> _samples = new();
    private readonly Stopwatch _clock = new();
    private readonly StallWatch _stallWatch = new();
    private CpuTimes? _serverCpu;
    private CpuTimes? _clientCpu;
    private double _lastSampleMs;

    private Driver(DriverOptions o)
    {
        _o = o;
        _probe = new ServerProbe(o.EndPoint, o.HostHeader);
    }

    public static async Task<int> RunAsync(DriverOptions o)
    {
        var driver = new Driver(o);
        return await driver.RunAsync();
    }

    private async Task<int> RunAsync()
    {
        var first = await _probe.ReadStatsAsync(CancellationToken.None);
        if (first is null)
        {
            Console.Error.WriteLine($"no soak server answers GET /stats at {_o.EndPoint} (start one with --server --port {_o.EndPoint.Port})");
            return 4;
        }

        _probe.Pid = _o.ServerPid != 0 ? _o.ServerPid : first.Value.GetProperty("pid").GetInt32();
        using var stop = new CancellationTokenSource();
        using var hard = new CancellationTokenSource(TimeSpan.FromSeconds(_o.HardDeadline - 10));
        using var killer = new Timer(_ =>
        {
            lock (_samples)
            {
                Report.Print(_o, _stats, _samples, new Watched(_stallWatch.Stalls, _stallWatch.IoDelays), new Watched(Array.Empty<Stall>(), Array.Empty<Stall>()), serverDied: false, cutOff: true);
            }

            Console.Out.Flush();
            Environment.Exit(3);
        }, null, TimeSpan.FromSeconds(_o.HardDeadline), Timeout.InfiniteTimeSpan);

        Report.Header(_o, _probe.Pid);
        _clock.Start();
        await SampleAsync("start", CancellationToken.None);

        var behaviours = new Behaviours(_o, _stats, stop.Token, hard.Token);
        var slots = Task.WhenAll(Enumerable.Range(0, _o.Connections).Select(i => Task.Run(() => behaviours.RunSlotAsync(i))));

        bool serverDied = false;
        for (int k = 1; _clock.Elapsed.TotalSeconds < _o.Duration; k++)
        {
            double wait = Math.Min(k * _o.Sample, _o.Duration) - _clock.Elapsed.TotalSeconds;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait));
            }

            if (!_probe.Alive())
            {
                serverDied = true;
                break;
            }

            await SampleAsync(_clock.Elapsed.TotalSeconds < _o.Ramp ? "ramp" : "run", hard.Token);
        }

        // Every slot says "bye" (or resets, if silent) and ends; the server should then hold nothing.
        stop.Cancel();
        while (!serverDied && !slots.IsCompleted && _clock.Elapsed.TotalSeconds < _o.Duration + _o.Grace)
        {
            await Task.WhenAny(slots, Task.Delay(TimeSpan.FromSeconds(Math.Min(_o.Sample, 5))));
            serverDied = !_probe.Alive();
            if (!serverDied)
            {
                await SampleAsync("drain", hard.Token);
            }
        }

        if (!slots.IsCompleted)
        {
            _stats.TimingFailure(Kinds.Stuck, $"{_o.Grace} s after the end");
        }

        // The server closes its side a moment after the clients: wait until it holds no connection.
        for (int i = 0; i < 40 && !serverDied; i++)
        {
            var s = await _probe.ReadStatsAsync(hard.Token);
            if (s is { } json && json.GetProperty("connections").GetInt64() == 0 && json.GetProperty("peers").GetInt64() == 0)
            {
                break;
            }

            await Task.Delay(500);
            serverDied = !_probe.Alive();
        }

        var serverWatched = new Watched(Array.Empty<Stall>(), Array.Empty<Stall>());
        if (!serverDied)
        {
            // A full compacting collection first: what is still live now is what the server retains.
            await Task.Delay(TimeSpan.FromSeconds(2));
            await SampleAsync("after", hard.Token, "gc");

            // Then quiet for a while: idle thread-pool threads retire after about 20 s.
            await Task.Delay(TimeSpan.FromSeconds(25));
            await SampleAsync("quiet", hard.Token, "gc");
            if (await _probe.ReadStatsAsync(hard.Token, "stalls") is { } withStalls && withStalls.GetProperty("stalls").ValueKind == JsonValueKind.Array)
            {
                static Stall[] List(JsonElement a) => a.EnumerateArray().Select(x => new Stall(x[0].GetInt64(), x[1].GetInt64())).ToArray();
                serverWatched = new Watched(List(withStalls.GetProperty("stalls")), List(withStalls.GetProperty("ioDelays")));
            }
        }

        killer.Change(Timeout.Infinite, Timeout.Infinite);
        lock (_samples)
        {
            return Report.Print(_o, _stats, _samples, new Watched(_stallWatch.Stalls, _stallWatch.IoDelays), serverWatched, serverDied, cutOff: false);
        }
    }

    private async Task SampleAsync(string phase, CancellationToken ct, string query = "")
    {
        var server = await _probe.ReadStatsAsync(ct, query);
        var proc = _probe.ReadProc();
        var st = _stats;
        double nowMs = _clock.Elapsed.TotalMilliseconds;
        var serverCpu = CpuTimes.Read(_probe.Pid);
        var clientCpu = CpuTimes.Read(Environment.ProcessId);
        var serverUsage = Usage.Between(_serverCpu, serverCpu, nowMs - _lastSampleMs);
        var clientUsage = Usage.Between(_clientCpu, clientCpu, nowMs - _lastSampleMs);
        (_serverCpu, _clientCpu, _lastSampleMs) = (serverCpu, clientCpu, nowMs);
        var sample = new Sample(
            Math.Round(_clock.Elapsed.TotalSeconds, 1), phase,
            Interlocked.Read(ref st.Live), Interlocked.Read(ref st.Opened), Interlocked.Read(ref st.EchoSent),
            Interlocked.Read(ref st.Echo.Received), Interlocked.Read(ref st.Push.Received), Interlocked.Read(ref st.Tick.Received),
            Interlocked.Read(ref st.Echo.Lost) + Interlocked.Read(ref st.Push.Lost) + Interlocked.Read(ref st.Tick.Lost),
            Interlocked.Read(ref st.Echo.Duplicates) + Interlocked.Read(ref st.Push.Duplicates) + Interlocked.Read(ref st.Tick.Duplicates),
            Interlocked.Read(ref st.Echo.Reordered) + Interlocked.Read(ref st.Push.Reordered) + Interlocked.Read(ref st.Tick.Reordered),
            Interlocked.Read(ref st.HeartbeatCloses), Interlocked.Read(ref st.Resets), st.Failures,
            proc, _probe.TimeWait(), server, _stallWatch.TotalMs, _stallWatch.IoTotalMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            serverUsage, clientUsage);
        lock (_samples)
        {
            _samples.Add(sample);
        }

        Report.Row(sample);
    }
}
