using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>A moment when the process could not react: when it began (UTC, ms since 1970) and how long it lasted.</summary>
internal readonly record struct Stall(long StartUnixMs, long Ms);

/// <summary>What a <see cref="StallWatch"/> saw in one process: its stalls and its I/O delays.</summary>
internal sealed record Watched(Stall[] Stalls, Stall[] IoDelays);

/// <summary>
/// Notices when this process cannot react, on a machine shared with other work. A dedicated
/// thread wakes every 100 ms and records how late it woke (the OS did not run the process) and
/// how long a work item it queued waited for a thread-pool thread (stalls). It also sends a
/// byte over a loopback TCP pair inside the process and times how long the async receive
/// takes to see it: the delay every socket read of the process suffers (I/O delays), which grows
/// when the process has more socket events than CPU to handle them. Delays from 500 ms are
/// kept, so that a timing failure (a peer closed by the heartbeat, a connection timed out) can
/// be told apart from a server fault.
/// </summary>
internal sealed class StallWatch
{
    private const int PeriodMs = 100;
    private const int ThresholdMs = 500;
    private const int MaxKept = 20_000;

    private readonly List<Stall> _stalls = new();
    private readonly List<Stall> _ioDelays = new();
    private readonly Socket _ioSender;
    private readonly Socket _ioReceiver;
    private long _probeQueuedAt;
    private int _probePending;
    private long _ioSentAt;
    private int _ioPending;

    public StallWatch()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _ioSender = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _ioSender.Connect(listener.LocalEndPoint!);
        _ioReceiver = listener.Accept();
        _ = Task.Run(IoLoopAsync);
        var thread = new Thread(Run) { IsBackground = true, Name = "stall watch", Priority = ThreadPriority.AboveNormal };
        thread.Start();
    }

    public Stall[] IoDelays => Snapshot(_ioDelays);

    public long IoMaxMs => IoDelays.Select(s => s.Ms).DefaultIfEmpty(0).Max();

    public long IoTotalMs => IoDelays.Sum(s => s.Ms);

    public Stall[] Stalls => Snapshot(_stalls);

    private static Stall[] Snapshot(List<Stall> list)
    {
        lock (list)
        {
            return list.ToArray();
        }
    }

    public long MaxMs => Stalls.Select(s => s.Ms).DefaultIfEmpty(0).Max();

    public long TotalMs => Stalls.Sum(s => s.Ms);

    /// <summary>
    /// How much of the <paramref name="lookbackMs"/> before <paramref name="atUnixMs"/> the
    /// process spent stalled (overlapping stalls counted once).
    /// </summary>
    public static long StalledBefore(IEnumerable<Stall> stalls, long atUnixMs, long lookbackMs)
    {
        long from = atUnixMs - lookbackMs, total = 0, coveredTo = long.MinValue;
        foreach (var s in stalls.OrderBy(s => s.StartUnixMs))
        {
            long start = Math.Max(Math.Max(s.StartUnixMs, from), coveredTo), end = Math.Min(s.StartUnixMs + s.Ms, atUnixMs);
            if (end > start)
            {
                total += end - start;
                coveredTo = end;
            }
        }

        return total;
    }

    private void Run()
    {
        while (true)
        {
            long before = Stopwatch.GetTimestamp();
            Thread.Sleep(PeriodMs);
            long late = (long)Stopwatch.GetElapsedTime(before).TotalMilliseconds - PeriodMs;
            if (late >= ThresholdMs)
            {
                Record(_stalls, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - late, late);
            }

            // One probe at a time: a probe that waits long is recorded once, when it finally runs.
            if (Interlocked.CompareExchange(ref _probePending, 1, 0) == 0)
            {
                Volatile.Write(ref _probeQueuedAt, Stopwatch.GetTimestamp());
                ThreadPool.UnsafeQueueUserWorkItem(_ => Probed(), null);
            }

            if (Interlocked.CompareExchange(ref _ioPending, 1, 0) == 0)
            {
                Volatile.Write(ref _ioSentAt, Stopwatch.GetTimestamp());
                _ioSender.Send(s_probeByte);
            }
        }
    }

    private static readonly byte[] s_probeByte = { 1 };

    private async Task IoLoopAsync()
    {
        var buffer = new byte[16];
        while (await _ioReceiver.ReceiveAsync(buffer, SocketFlags.None) > 0)
        {
            long waited = (long)Stopwatch.GetElapsedTime(Volatile.Read(ref _ioSentAt)).TotalMilliseconds;
            Volatile.Write(ref _ioPending, 0);
            if (waited >= ThresholdMs)
            {
                Record(_ioDelays, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - waited, waited);
            }
        }
    }

    private void Probed()
    {
        long waited = (long)Stopwatch.GetElapsedTime(Volatile.Read(ref _probeQueuedAt)).TotalMilliseconds;
        Volatile.Write(ref _probePending, 0);
        if (waited >= ThresholdMs)
        {
            Record(_stalls, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - waited, waited);
        }
    }

    private static void Record(List<Stall> list, long startUnixMs, long ms)
    {
        lock (list)
        {
            if (list.Count < MaxKept)
            {
                list.Add(new Stall(startUnixMs, ms));
            }
        }
    }
}
