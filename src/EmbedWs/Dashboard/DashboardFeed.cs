using System;
using System.Collections.Generic;
using EmbedWs.Transport;

namespace EmbedWs.Dashboard;

/// <summary>
/// What the dashboard's socket sends: the figures of a <see cref="DashboardSample"/> as one JSON
/// message. The charts and the table are described by the two tables below, and the page draws
/// whatever they name: a new figure is one line here (and, for a sum over connections, one
/// line in <see cref="DashboardSample"/>), with no change to the page. Bounded: the table holds
/// at most <c>maxRows</c> connections, the groups as many, whatever the server holds.
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

    /// <summary>The table's columns: name, and its value for a connection. One line per column.</summary>
    internal static readonly DashboardColumn[] Columns =
    {
        new("id", (c, _) => c.Id),
        new("address", (c, _) => c.RemoteEndPoint?.ToString()),
        new("path", (c, _) => c.Path),
        new("state", (c, _) => c.State.ToString()),
        new("age s", (c, ctx) => Math.Round((ctx.Now - c.ConnectedAt).TotalSeconds)),
        new("rtt ms", (c, _) => c.RoundTripTime is { } rtt ? Math.Round(rtt.TotalMilliseconds, 2) : null),
        new("queued B", (c, _) => c.SendQueueBytes),
        new("congested", (c, _) => c.IsCongested),
        new("dropped", (c, _) => c.MessagesDropped),
        new("msgs in", (c, _) => c.MessagesReceived),
        new("msgs out", (c, _) => c.MessagesSent),
        new("groups", (c, ctx) => ctx.GroupsOf(c.Id)),
    };

    /// <summary>The orders the table can be sorted in, the first the default: each puts the connections to look at first on top.</summary>
    internal static readonly string[] Sorts = { "queued", "rtt", "age", "traffic", "id" };

    /// <summary>
    /// The message for one viewer. <paramref name="history"/>: the points to send (the last one
    /// only, or all kept for a viewer that just came); with <paramref name="describe"/> the
    /// charts' names come too.
    /// </summary>
    public static string Write(DashboardSample sample, IReadOnlyList<double[]> history, bool describe, string sort, int maxRows,
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
                WriteStrings(w, Sorts);
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

            WriteTable(w, now, sort, maxRows, groupsOf);

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

    /// <summary>The connections in the order <paramref name="sort"/> names (unknown: the default), at most <paramref name="maxRows"/>.</summary>
    public static List<WsConnectionSnapshot> Top(IReadOnlyList<WsConnectionSnapshot> connections, string sort, int maxRows)
    {
        var rows = new List<WsConnectionSnapshot>(connections);
        Comparison<WsConnectionSnapshot> order = sort switch
        {
            "rtt" => static (a, b) => Compare(b.RoundTripTime?.Ticks ?? -1, a.RoundTripTime?.Ticks ?? -1, a, b),
            "age" => static (a, b) => Compare(a.ConnectedAt.UtcTicks, b.ConnectedAt.UtcTicks, a, b),
            "traffic" => static (a, b) => Compare(b.BytesReceived + b.BytesSent, a.BytesReceived + a.BytesSent, a, b),
            "id" => static (a, b) => a.Id.CompareTo(b.Id),
            _ => static (a, b) => Compare(b.SendQueueBytes, a.SendQueueBytes, a, b),
        };
        rows.Sort(order);
        if (rows.Count > maxRows)
        {
            rows.RemoveRange(maxRows, rows.Count - maxRows);
        }

        return rows;
    }

    private static void WriteTable(DashboardJsonWriter w, WsServerSnapshot now, string sort, int maxRows, Func<long, string> groupsOf)
    {
        if (Array.IndexOf(Sorts, sort) < 0)
        {
            sort = Sorts[0];
        }

        var context = new DashboardRowContext(now.Timestamp, groupsOf);
        w.WritePropertyName("table");
        w.WriteStartObject();
        WriteNumber(w, "total", now.Connections.Count);
        w.WritePropertyName("sort");
        w.WriteValue(sort);
        w.WritePropertyName("columns");
        w.WriteStartArray();
        foreach (var column in Columns)
        {
            w.WriteValue(column.Name);
        }

        w.WriteEndArray();
        w.WritePropertyName("rows");
        w.WriteStartArray();
        foreach (var c in Top(now.Connections, sort, maxRows))
        {
            w.WriteStartArray();
            foreach (var column in Columns)
            {
                w.WriteValue(column.Read(c, context));
            }

            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static int Compare(long first, long second, WsConnectionSnapshot a, WsConnectionSnapshot b)
    {
        int c = first.CompareTo(second);
        return c != 0 ? c : a.Id.CompareTo(b.Id);
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

/// <summary>One column of the connections table.</summary>
internal sealed class DashboardColumn
{
    public DashboardColumn(string name, Func<WsConnectionSnapshot, DashboardRowContext, object?> read)
    {
        Name = name;
        Read = read;
    }

    public string Name { get; }

    public Func<WsConnectionSnapshot, DashboardRowContext, object?> Read { get; }
}

/// <summary>What a column may need besides its connection: the sample's time, and the connection's groups.</summary>
internal readonly struct DashboardRowContext
{
    private readonly Func<long, string> _groupsOf;

    public DashboardRowContext(DateTimeOffset now, Func<long, string> groupsOf)
    {
        Now = now;
        _groupsOf = groupsOf;
    }

    public DateTimeOffset Now { get; }

    public string GroupsOf(long id) => _groupsOf(id);
}
