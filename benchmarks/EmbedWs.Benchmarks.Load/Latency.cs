using System;
using System.Diagnostics;
using System.Numerics;
using System.Threading;

namespace EmbedWs.Benchmarks.Load;

/// <summary>
/// A log-linear histogram of latencies in 0.1 µs units: exact below 102.4 µs, then 512 buckets
/// per power of two (about 0.2 % resolution) up to about 100 s. Not thread-safe: see <see cref="Latency"/>.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int Linear = 1024;
    private const int PerOctave = 512;
    private readonly long[] _counts = new long[Linear + (22 * PerOctave)];

    public long Count { get; private set; }

    public void Record(long units)
    {
        int index;
        if (units < Linear)
        {
            index = (int)Math.Max(units, 0);
        }
        else
        {
            int shift = 63 - BitOperations.LeadingZeroCount((ulong)units) - 9;
            index = Math.Min(Linear + ((shift - 1) * PerOctave) + (int)((units >> shift) - PerOctave), _counts.Length - 1);
        }

        _counts[index]++;
        Count++;
    }

    public void Add(LatencyHistogram other)
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
    }

    /// <summary>The value at percentile <paramref name="p"/> (0-100), in microseconds; 0 when empty.</summary>
    public double Percentile(double p)
    {
        if (Count == 0)
        {
            return 0;
        }

        long target = Math.Max(1, (long)Math.Ceiling(p / 100 * Count));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= target)
            {
                return Middle(i) / 10.0;
            }
        }

        return Middle(_counts.Length - 1) / 10.0;
    }

    private static double Middle(int index)
    {
        if (index < Linear)
        {
            return index;
        }

        int k = index - Linear;
        int shift = (k / PerOctave) + 1;
        long low = (long)((k % PerOctave) + PerOctave) << shift;
        return low + ((1L << shift) / 2.0);
    }
}

/// <summary>
/// Latency recording from many threads with no locks: each thread records into its own
/// histogram, merged at the end. Only while <see cref="Recording"/> is on (the measured window).
/// </summary>
internal static class Latency
{
    private static readonly double s_unitsPerTick = 10_000_000.0 / Stopwatch.Frequency;
    private static readonly ThreadLocal<LatencyHistogram> s_local = new(() => new LatencyHistogram(), trackAllValues: true);
    private static volatile bool s_recording;

    public static bool Recording
    {
        get => s_recording;
        set => s_recording = value;
    }

    public static void Record(long startTimestamp, long endTimestamp)
    {
        if (s_recording)
        {
            s_local.Value!.Record((long)((endTimestamp - startTimestamp) * s_unitsPerTick));
        }
    }

    public static LatencyHistogram Merge()
    {
        var all = new LatencyHistogram();
        foreach (var h in s_local.Values)
        {
            all.Add(h);
        }

        return all;
    }
}
