using System;
using System.Collections.Generic;
using System.Globalization;
using EmbedWs.Transport;

namespace EmbedWs.Dashboard;

/// <summary>
/// The connections table: its columns, its orders, and the page of it that one viewer's
/// <see cref="DashboardView"/> selects (filter, then order, then page). Bounded whatever the
/// server holds: a page has at most <c>pageSize</c> rows (<see cref="WsServerOptions.DashboardMaxRows"/>),
/// a cell at most <see cref="MaxCellChars"/> characters, and the rows together at most
/// <see cref="MaxRowChars"/> (a page cut there says <c>truncated</c>).
/// </summary>
internal static class DashboardTable
{
    /// <summary>The most characters of rows in one message: 48 Ki, so a page of 1,000 long paths stays one small message.</summary>
    public const int MaxRowChars = 48 * 1024;

    /// <summary>The most characters of one text cell; longer ones (a path, many groups) end with '…'.</summary>
    public const int MaxCellChars = 120;

    /// <summary>The orders the table can be sorted in, the first the default: each puts the connections to look at first on top.</summary>
    internal static readonly string[] Sorts = { "queued", "rtt", "age", "traffic", "id" };

    /// <summary>The columns: name, the order its header picks (or null), and its value for a connection. One line per column.</summary>
    internal static readonly DashboardColumn[] Columns =
    {
        new("id", "id", (c, _) => c.Id),
        new("address", null, (c, _) => c.RemoteEndPoint?.ToString()),
        new("path", null, (c, _) => c.Path),
        new("state", null, (c, _) => c.State.ToString()),
        new("age s", "age", (c, ctx) => Math.Round((ctx.Now - c.ConnectedAt).TotalSeconds)),
        new("rtt ms", "rtt", (c, _) => c.RoundTripTime is { } rtt ? Math.Round(rtt.TotalMilliseconds, 2) : null),
        new("queued B", "queued", (c, _) => c.SendQueueBytes),
        new("congested", null, (c, _) => c.IsCongested),
        new("dropped", null, (c, _) => c.MessagesDropped),
        new("msgs in", "traffic", (c, _) => c.MessagesReceived),
        new("msgs out", "traffic", (c, _) => c.MessagesSent),
        new("groups", null, (c, ctx) => ctx.GroupsOf(c.Id)),
    };

    /// <summary>
    /// The rows of <paramref name="view"/>'s page: the connections that match its filter, in its
    /// order, the page clamped to the last one. <paramref name="matched"/>: how many match;
    /// <paramref name="page"/>: the page given.
    /// </summary>
    public static List<WsConnectionSnapshot> Select(IReadOnlyList<WsConnectionSnapshot> connections, DashboardView view, int pageSize,
        Func<long, string> groupsOf, out int matched, out int page)
    {
        List<WsConnectionSnapshot> rows;
        if (view.Filter.Length == 0)
        {
            rows = new List<WsConnectionSnapshot>(connections);
        }
        else
        {
            rows = new List<WsConnectionSnapshot>();
            foreach (var c in connections)
            {
                if (Matches(c, view.Filter, groupsOf))
                {
                    rows.Add(c);
                }
            }
        }

        rows.Sort(Order(view.Sort));
        matched = rows.Count;
        int pages = Math.Max(1, (matched + pageSize - 1) / pageSize);
        page = Math.Min(Math.Max(view.Page, 0), pages - 1);
        int first = page * pageSize;
        return rows.GetRange(first, Math.Min(pageSize, matched - first));
    }

    /// <summary>
    /// True when <paramref name="filter"/>, all digits, is the connection's id; else when it is in
    /// its address, its path or the name of one of its groups (ignoring case). Digits alone name an
    /// id only: as text they would be in nearly every address ("127.0.0.1:50312").
    /// </summary>
    public static bool Matches(WsConnectionSnapshot c, string filter, Func<long, string> groupsOf) =>
        IsNumber(filter) ? c.Id.ToString(CultureInfo.InvariantCulture) == filter
        : Contains(c.RemoteEndPoint?.ToString(), filter)
        || Contains(c.Path, filter)
        || Contains(groupsOf(c.Id), filter);

    /// <summary>The table of <paramref name="view"/>, as a JSON object: counts, the view as given, columns and rows.</summary>
    public static void Write(DashboardJsonWriter w, WsServerSnapshot now, DashboardView view, int pageSize, Func<long, string> groupsOf)
    {
        if (Array.IndexOf(Sorts, view.Sort) < 0)
        {
            view = view.WithSort(Sorts[0]);
        }

        var rows = Select(now.Connections, view, pageSize, groupsOf, out int matched, out int page);
        var context = new DashboardRowContext(now.Timestamp, groupsOf);
        w.WriteStartObject();
        WriteNumber(w, "total", now.Connections.Count);
        WriteNumber(w, "matched", matched);
        w.WritePropertyName("sort");
        w.WriteValue(view.Sort);
        w.WritePropertyName("filter");
        w.WriteValue(view.Filter);
        WriteNumber(w, "page", page);
        WriteNumber(w, "pageSize", pageSize);
        w.WritePropertyName("columns");
        w.WriteStartArray();
        foreach (var column in Columns)
        {
            w.WriteValue(column.Name);
        }

        w.WriteEndArray();
        w.WritePropertyName("columnSorts");
        w.WriteStartArray();
        foreach (var column in Columns)
        {
            w.WriteValue(column.Sort);
        }

        w.WriteEndArray();
        w.WritePropertyName("rows");
        w.WriteStartArray();
        int start = w.Length;
        bool truncated = false;
        foreach (var c in rows)
        {
            if (w.Length - start > MaxRowChars)
            {
                truncated = true;
                break;
            }

            w.WriteStartArray();
            foreach (var column in Columns)
            {
                w.WriteValue(Cell(column.Read(c, context)));
            }

            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WritePropertyName("truncated");
        w.WriteValue(truncated);
        w.WriteEndObject();
    }

    /// <summary>The comparison of an order: largest first where larger is worse, then by id so pages do not shift.</summary>
    private static Comparison<WsConnectionSnapshot> Order(string sort) => sort switch
    {
        "rtt" => static (a, b) => Compare(b.RoundTripTime?.Ticks ?? -1, a.RoundTripTime?.Ticks ?? -1, a, b),
        "age" => static (a, b) => Compare(a.ConnectedAt.UtcTicks, b.ConnectedAt.UtcTicks, a, b),
        "traffic" => static (a, b) => Compare(b.BytesReceived + b.BytesSent, a.BytesReceived + a.BytesSent, a, b),
        "id" => static (a, b) => a.Id.CompareTo(b.Id),
        _ => static (a, b) => Compare(b.SendQueueBytes, a.SendQueueBytes, a, b),
    };

    private static int Compare(long first, long second, WsConnectionSnapshot a, WsConnectionSnapshot b)
    {
        int c = first.CompareTo(second);
        return c != 0 ? c : a.Id.CompareTo(b.Id);
    }

    private static bool IsNumber(string text)
    {
        foreach (char c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return text.Length > 0;
    }

    private static bool Contains(string? text, string filter) =>
        text is not null && text.IndexOf(filter, StringComparison.OrdinalIgnoreCase) >= 0;

    private static object? Cell(object? value) =>
        value is string s && s.Length > MaxCellChars ? s.Substring(0, MaxCellChars - 1) + "…" : value;

    private static void WriteNumber(DashboardJsonWriter w, string name, long value)
    {
        w.WritePropertyName(name);
        w.WriteValue(value);
    }
}

/// <summary>One column of the connections table; <see cref="Sort"/> is the order its header picks, or null.</summary>
internal sealed class DashboardColumn
{
    public DashboardColumn(string name, string? sort, Func<WsConnectionSnapshot, DashboardRowContext, object?> read)
    {
        Name = name;
        Sort = sort;
        Read = read;
    }

    public string Name { get; }

    public string? Sort { get; }

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
