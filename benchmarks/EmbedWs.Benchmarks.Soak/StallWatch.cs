using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>A moment when the process could not react: when it began (UTC, ms since 1970) and how long it lasted.</summary>
internal readonly record struct Stall(long StartUnixMs, long Ms);

/// <summary>
/// Notices when this process is starved, on a machine shared with other work: a dedicated
/// thread wakes every 100 ms and records how late it woke (the OS did not run the process), and
/// how long a work item it queued waited for a thread-pool thread (the process ran, but was
/// too far behind to react). Delays from 500 ms are kept, so that a timing failure (a peer
/// closed by the heartbeat, a connection timed out) can be told apart from a server fault.
/// </summary>
internal sealed class StallWatch
{
    private const int PeriodMs = 100;
    private const int ThresholdMs = 500;
    private const int MaxKept = 20_000;

    private readonly List<Stall> _stalls = new();
    private long _probeQueuedAt;
    private int _probePending;

    public StallWatch()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "stall watch", Priority = ThreadPriority.AboveNormal };
        thread.Start();
    }

    public Stall[] Stalls
    {
        get
        {
            lock (_stalls)
            {
                return _stalls.ToArray();
            }
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
                Record(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - late, late);
            }

            // One probe at a time: a probe that waits long is recorded once, when it finally runs.
            if (Interlocked.CompareExchange(ref _probePending, 1, 0) == 0)
            {
                Volatile.Write(ref _probeQueuedAt, Stopwatch.GetTimestamp());
                ThreadPool.UnsafeQueueUserWorkItem(_ => Probed(), null);
            }
        }
    }

    private void Probed()
    {
        long waited = (long)Stopwatch.GetElapsedTime(Volatile.Read(ref _probeQueuedAt)).TotalMilliseconds;
        Volatile.Write(ref _probePending, 0);
        if (waited >= ThresholdMs)
        {
            Record(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - waited, waited);
        }
    }

    private void Record(long startUnixMs, long ms)
    {
        lock (_stalls)
        {
            if (_stalls.Count < MaxKept)
            {
                _stalls.Add(new Stall(startUnixMs, ms));
            }
        }
    }
}
