using System;
using System.Collections.Generic;

namespace EmbedWs.Dashboard;

/// <summary>
/// One second of the server, as the dashboard charts it: the snapshot now and the one before it
/// (for rates), the closes now and before, and the sums over the open connections, each walked
/// once. Immutable.
/// </summary>
internal sealed class DashboardSample
{
    /// <summary>Upper bounds (ms) of the round-trip time histogram's buckets; a last bucket holds the rest.</summary>
    public static readonly double[] RttBounds = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 };

    public DashboardSample(WsServerSnapshot now, WsServerSnapshot? previous, CloseCounts closes, CloseCounts? previousCloses)
    {
        Now = now;
        Previous = previous;
        Closes = closes;
        PreviousCloses = previousCloses;
        Seconds = previous is null ? 0 : (now.Timestamp - previous.Timestamp).TotalSeconds;

        var rtts = new List<double>();
        RttCounts = new long[RttBounds.Length + 1];
        foreach (var c in now.Connections)
        {
            QueuedBytes += c.SendQueueBytes;
            LargestQueue = Math.Max(LargestQueue, c.SendQueueBytes);

            Congested += c.IsCongested ? 1 : 0;
            if (c.RoundTripTime is { } rtt)
            {
                double ms = rtt.TotalMilliseconds;
                rtts.Add(ms);
                RttCounts[Bucket(ms)]++;
            }
            else
            {
                RttUnmeasured++;
            }
        }

        rtts.Sort();
        RttP50 = Percentile(rtts, 0.50);
        RttP90 = Percentile(rtts, 0.90);
        RttP99 = Percentile(rtts, 0.99);
    }

    public WsServerSnapshot Now { get; }

    public WsServerSnapshot? Previous { get; }

    public CloseCounts Closes { get; }

    public CloseCounts? PreviousCloses { get; }

    /// <summary>Seconds since the previous sample; 0 for the first (its rates are 0).</summary>
    public double Seconds { get; }

    /// <summary>Bytes in every open connection's send queue.</summary>
    public long QueuedBytes { get; }

    /// <summary>The largest send queue, in bytes.</summary>
    public int LargestQueue { get; }

    /// <summary>Connections above their soft send-queue mark (<see cref="WsServerOptions.SendQueueSoftLimitBytes"/>).</summary>
    public int Congested { get; }

    /// <summary>Open connections by round-trip time, one count per bucket of <see cref="RttBounds"/> and one for the rest.</summary>
    public long[] RttCounts { get; }

    /// <summary>Open connections with no round-trip time measured (yet, or by their heartbeat policy at all).</summary>
    public int RttUnmeasured { get; }

    public double RttP50 { get; }

    public double RttP90 { get; }

    public double RttP99 { get; }

    /// <summary>The rate per second of a count of the snapshot; 0 for the first sample or a count that went back.</summary>
    public double Rate(Func<WsServerSnapshot, long> count) =>
        Previous is null || Seconds <= 0 ? 0 : Math.Max(0, (count(Now) - count(Previous)) / Seconds);

    /// <summary>The rate per second of a count of the closes.</summary>
    public double Rate(Func<CloseCounts, long> count) =>
        PreviousCloses is null || Seconds <= 0 ? 0 : Math.Max(0, (count(Closes) - count(PreviousCloses)) / Seconds);

    private static int Bucket(double ms)
    {
        int i = 0;
        while (i < RttBounds.Length && ms > RttBounds[i])
        {
            i++;
        }

        return i;
    }

    /// <summary>Nearest rank; 0 when nothing was measured.</summary>
    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
