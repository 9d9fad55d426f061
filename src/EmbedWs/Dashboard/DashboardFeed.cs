using System;
using System.Collections.Generic;
using EmbedWs.Transport;

namespace EmbedWs.Dashboard;

/// <summary>
/// What the dashboard's socket sends: the figures of a <see cref="DashboardSample"/> as one JSON
/// message. The charts and the table are described by the two tables below, and the page draws
/// whatever they name: a new figure is one line here (and, for a sum over connections, one
/// line in <see cref="DashboardSample"/>), with no change to the page. Bounded: the table is one
/// page of <see cref="DashboardTable"/> (at most <c>maxRows</c> rows), the groups as many, whatever
/// the server holds.
/// </summary>
internal static class DashboardFeed
{
    /// <summary>The charts' lines: chart, line, and its value in a sample. One line per figure.</summary>
    internal static readonly DashboardSeries[] Series =
    {
        new("connections", "open", s => s.Now.ActiveConnections),
        new("messages/s", "in", s => s.Rate(n => n.MessagesReceived)),
        new("messages/s", "out", s => s.Rate(n => n.MessagesSent)),
        new("KiB/s", "in", s => s.Rate(n => n.BytesReceived) / 1024),
        new("KiB/s", "out", s => s.Rate(n => n.BytesSent) / 1024),
        new("round trip ms", "p50", s => s.RttP50),
        new("round trip ms", "p90", s => s.RttP90),
        new("round trip ms", "p99", s => s.RttP99),
        new("send queue KiB", "all", s => s.QueuedBytes / 1024.0),
        new("send queue KiB", "largest", s => s.LargestQueue / 1024.0),
        new("congestion", "congested", s => s.Congested),
        new("congestion", "drops/s", s => s.Rate(n => n.MessagesDropped)),
        new("congestion", "replaced/s", s => s.Rate(n => n.MessagesReplaced)),
        new("closes/s", "heartbeat", s => s.Rate(c => c.Of(WsCloseCause.HeartbeatTimeout))),
        new("closes/s", "slow consumer", s => s.Rate(c => c.Of(WsCloseCause.SlowConsumer))),
        new("closes/s", "errors", s => s.Rate(c => c.Errors())),
        new("handshakes", "rejected/s", s => s.Rate(n => n.HandshakesRejected)),
    };

    /// <summary>
    /// The message for one viewer. <paramref name="history"/>: the points to send (the last one
    /// only, or all kept for a viewer that just came); with <paramref name="describe"/> the
    /// charts' names come too.
    /// </summary>
    public static string Write(DashboardSample sample, IReadOnlyList<double[]> history, bool describe, DashboardView view, int maxRows,
        IReadOnlyList<KeyValuePair<string, int>> groups, Func<long, string> groupsOf)
    {
        var w = new DashboardJsonWriter();
        {
            var now = sample.Now;
            w.WriteStartObject();
            w.WritePropertyName("type");
            w.WriteValue("update");
            w.WritePropertyName("time");
            w.WriteValue(now.Timestamp.ToUnixTimeMilliseconds());
            if (describe)
            {
                w.WritePropertyName("series");
                w.WriteStartArray();
                foreach (var s in Series)
                {
                    w.WriteStartArray();
                    w.WriteValue(s.Chart);
                    w.WriteValue(s.Name);
                    w.WriteEndArray();
                }

                w.WriteEndArray();
                w.WritePropertyName("sorts");
                WriteStrings(w, DashboardTable.Sorts);
            }

            // Each point: its time (Unix ms), then one value per series, in the order of Series.
            w.WritePropertyName("points");
            w.WriteStartArray();
            foreach (var point in history)
            {
                w.WriteStartArray();
                foreach (var v in point)
                {
                    w.WriteValue(v);
                }

                w.WriteEndArray();
            }

            w.WriteEndArray();

            w.WritePropertyName("totals");
            w.WriteStartObject();
            WriteNumber(w, "connections", now.ActiveConnections);
            WriteNumber(w, "opened", now.ConnectionsOpened);
            WriteNumber(w, "closed", now.ConnectionsClosed);
            WriteNumber(w, "rejected", now.HandshakesRejected);
            WriteNumber(w, "messagesIn", now.MessagesReceived);
            WriteNumber(w, "messagesOut", now.MessagesSent);
            WriteNumber(w, "bytesIn", now.BytesReceived);
            WriteNumber(w, "bytesOut", now.BytesSent);
            WriteNumber(w, "groups", now.Groups);
            w.WriteEndObject();

            w.WritePropertyName("rtt");
            w.WriteStartObject();
            w.WritePropertyName("bounds");
            w.WriteStartArray();
            foreach (var b in DashboardSample.RttBounds)
            {
                w.WriteValue(b);
            }

            w.WriteEndArray();
            w.WritePropertyName("counts");
            w.WriteStartArray();
            foreach (var n in sample.RttCounts)
            {
                w.WriteValue(n);
            }

            w.WriteEndArray();
            WriteNumber(w, "unmeasured", sample.RttUnmeasured);
            w.WriteEndObject();

            w.WritePropertyName("closes");
            w.WriteStartArray();
            foreach (var pair in sample.Closes.ByCode)
            {
                w.WriteStartArray();
                w.WriteValue(pair.Key);
                w.WriteValue(pair.Value);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WritePropertyName("causes");
            w.WriteStartObject();
            for (int i = 0; i < sample.Closes.ByCause.Count; i++)
            {
                if (sample.Closes.ByCause[i] != 0)
                {
                    WriteNumber(w, EmbedWsMetrics.CauseName((WsCloseCause)i), sample.Closes.ByCause[i]);
                }
            }

            w.WriteEndObject();

            w.WritePropertyName("table");
            DashboardTable.Write(w, now, view, maxRows, groupsOf);

            w.WritePropertyName("groups");
            w.WriteStartObject();
            WriteNumber(w, "total", groups.Count);
            w.WritePropertyName("rows");
            w.WriteStartArray();
            for (int i = 0; i < groups.Count && i < maxRows; i++)
            {
                w.WriteStartArray();
                w.WriteValue(groups[i].Key);
                w.WriteValue(groups[i].Value);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return w.ToString();
    }

    /// <summary>One point of the charts: the sample's time, then each series' value (rounded to 0.01).</summary>
    public static double[] Point(DashboardSample sample)
    {
        var point = new double[Series.Length + 1];
        point[0] = sample.Now.Timestamp.ToUnixTimeMilliseconds();
        for (int i = 0; i < Series.Length; i++)
        {
            double v = Series[i].Read(sample);
            point[i + 1] = double.IsNaN(v) || double.IsInfinity(v) ? 0 : Math.Round(v, 2);
        }

        return point;
    }

    private static void WriteNumber(DashboardJsonWriter w, string name, long value)
    {
        w.WritePropertyName(name);
        w.WriteValue(value);
    }

    private static void WriteStrings(DashboardJsonWriter w, string[] values)
    {
        w.WriteStartArray();
        foreach (var v in values)
        {
            w.WriteValue(v);
        }

        w.WriteEndArray();
    }
}

/// <summary>One line of a chart: <see cref="Chart"/> names the chart it is drawn in.</summary>
internal sealed class DashboardSeries
{
    public DashboardSeries(string chart, string name, Func<DashboardSample, double> read)
    {
        Chart = chart;
        Name = name;
        Read = read;
    }

    public string Chart { get; }

    public string Name { get; }

    public Func<DashboardSample, double> Read { get; }
}
