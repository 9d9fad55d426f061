using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Protocol;
using EmbedWs.Transport;
using EmbedWs.Json;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Dashboard;

/// <summary>
/// The dashboard's side of a running server: its viewers, the closes it counts, and the update it
/// pushes about once a second. It has no timer: the server's tick calls <see cref="OnTick"/>.
/// While no viewer is connected a tick costs a list read. Safe from any thread.
/// </summary>
internal sealed class DashboardHub
{
    /// <summary>Points kept for a viewer that comes: two minutes at one a second.</summary>
    internal const int HistoryLength = 120;

    // "About once a second": a tick a little early still pushes, so a 1 s tick pushes each time.
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(900);
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(1);

    private readonly WsServer _server;
    private readonly WsSettings _settings;
    private readonly ILogger _logger;
    private readonly long _interval;
    private readonly List<DashboardViewer> _viewers = new();
    private readonly List<double[]> _history = new();
    private WsServerSnapshot? _previous;
    private CloseCounts? _previousCloses;
    private long _lastPush;

    public DashboardHub(WsServer server, WsSettings settings, bool hasToken)
    {
        _server = server;
        _settings = settings;
        _logger = settings.LoggerFactory.CreateLogger("EmbedWs.Dashboard");
        _interval = settings.TimestampTicks(s_interval);
        DashboardLog.Enabled(_logger, settings.DashboardPath!, hasToken ? "token, or the accept hook's AllowDashboard" : "the accept hook's AllowDashboard only");
    }

    /// <summary>Every close of a user connection, by code and cause.</summary>
    public CloseTally Closes { get; } = new();

    /// <summary>Viewers connected now.</summary>
    public int ViewerCount
    {
        get
        {
            lock (_viewers)
            {
                return _viewers.Count;
            }
        }
    }

    public IConnectionHandler Adopt(WsConnection connection) => new DashboardViewer(this, connection);

    public void Add(DashboardViewer viewer)
    {
        lock (_viewers)
        {
            _viewers.Add(viewer);
        }

        DashboardLog.ViewerOpened(_logger, viewer.Connection.Info.RemoteEndPoint);
        viewer.Send("{\"type\":\"hello\",\"maxRows\":" + _settings.DashboardMaxRows + "}");
    }

    public void Remove(DashboardViewer viewer, WsCloseInfo close)
    {
        lock (_viewers)
        {
            _viewers.Remove(viewer);
        }

        DashboardLog.ViewerClosed(_logger, viewer.Connection.Info.RemoteEndPoint, close.ToString());
    }

    /// <summary>
    /// Called by the server's tick: the viewers' own deadlines (read and close timeouts), then,
    /// about once a second and only while someone watches, one sample and one update to each viewer.
    /// </summary>
    public void OnTick(long now)
    {
        var viewers = Viewers();
        foreach (var viewer in viewers)
        {
            viewer.Connection.CheckDeadlines(now);
        }

        if (viewers.Length == 0)
        {
            // Rates start again from the next viewer's first sample; the history stays.
            _previous = null;
            return;
        }

        if (_previous is not null && now - _lastPush < _interval)
        {
            return;
        }

        _lastPush = now;
        try
        {
            Push(viewers);
        }
        catch (Exception ex)
        {
            // A failure here must not stop the tick, which also keeps every deadline.
            DashboardLog.UpdateFailed(_logger, ex);
        }
    }

    /// <summary>The server stops: viewers are told with 1001, as user connections are.</summary>
    public void CloseAll()
    {
        foreach (var viewer in Viewers())
        {
            viewer.Connection.StartClose(WsCloseCodes.GoingAway, "server stopping", WsCloseCause.ServerStopping);
        }
    }

    /// <summary>
    /// The server's connections have ended: viewers get up to a second more to finish their
    /// closing handshake (a page need not hold the stop longer), then are dropped.
    /// </summary>
    public async Task StopAsync()
    {
        var viewers = Viewers();
        var closed = Task.WhenAll(viewers.Select(v => v.Connection.Completion));
        if (await Task.WhenAny(closed, Task.Delay(s_stopGrace)).ConfigureAwait(false) != closed)
        {
            foreach (var viewer in viewers)
            {
                viewer.Connection.Abort();
            }
        }
    }

    /// <summary>
    /// A command from a viewer's page, an envelope as JSON routing's (one strict pass, no tree):
    /// <c>{"type":"close","id":N}</c> closes connection N; <c>sort</c>, <c>filter</c> and
    /// <c>page</c> (with <c>data</c>) change the viewer's table and are answered with it at once;
    /// <c>{"type":"group","data":"name"}</c> is answered with the group's members. Anything else
    /// is answered with an error and logged.
    /// </summary>
    public void Command(DashboardViewer viewer, WsMessage message)
    {
        var remote = viewer.Connection.Info.RemoteEndPoint;
        var text = message.Data.Span;
        if (!message.IsText || text.Length > 4096 || !JsonEnvelopeScanner.TryScan(text, 8, out var command, out _) || !command.IsObject)
        {
            Refuse(viewer, "not a JSON command");
            return;
        }

        var type = command.Type.Of(text);
        var data = command.Data;
        if (type.SequenceEqual("\"close\""u8) && command.Id.Kind == JsonKind.Number
            && Utf8Parser.TryParse(command.Id.Of(text), out long target, out int used) && used == command.Id.End - command.Id.Start)
        {
            bool found = _server.TryGetConnection(target, out var connection);
            if (found)
            {
                // 1008: closed by the operator's decision, a policy of this server (RFC 6455 §7.4.1).
                connection!.Close(WsCloseCodes.PolicyViolation, "closed from the dashboard");
                DashboardLog.ClosedFromDashboard(_logger, remote, target);
            }

            viewer.Send("{\"type\":\"closed\",\"id\":" + target + ",\"found\":" + (found ? "true" : "false") + "}");
        }
        else if (type.SequenceEqual("\"sort\""u8) && data.Kind == JsonKind.String && SortNamed(data.Of(text)) is { } sort)
        {
            viewer.View = viewer.View.WithSort(sort);
            SendTable(viewer);
        }
        else if (type.SequenceEqual("\"filter\""u8) && data.Kind == JsonKind.String
            && JsonEnvelopeScanner.Unescape(data.Of(text)).Trim() is { Length: <= DashboardView.MaxFilterLength } filter)
        {
            viewer.View = viewer.View.WithFilter(filter);
            SendTable(viewer);
        }
        else if (type.SequenceEqual("\"page\""u8) && data.Kind == JsonKind.Number
            && Utf8Parser.TryParse(data.Of(text), out int page, out used) && used == data.End - data.Start && page >= 0)
        {
            viewer.View = viewer.View.WithPage(page);
            SendTable(viewer);
        }
        else if (type.SequenceEqual("\"group\""u8) && data.Kind == JsonKind.String)
        {
            viewer.Send(DashboardGroups.WriteMembers(_server.Groups, JsonEnvelopeScanner.Unescape(data.Of(text)), _settings.DashboardMaxRows));
        }
        else
        {
            Refuse(viewer, "unknown command");
        }
    }

    /// <summary>The viewer's table now, from the last update's snapshot (none before the first: that update carries it).</summary>
    private void SendTable(DashboardViewer viewer)
    {
        if (Volatile.Read(ref _previous) is not { } snapshot)
        {
            return;
        }

        var w = new DashboardJsonWriter();
        w.WriteStartObject();
        w.WritePropertyName("type");
        w.WriteValue("table");
        w.WritePropertyName("table");
        DashboardTable.Write(w, snapshot, viewer.View, _settings.DashboardMaxRows, GroupsOf);
        w.WriteEndObject();
        viewer.Send(w.ToString());
    }

    /// <summary>The order a quoted name (no escapes) stands for, or null.</summary>
    private static string? SortNamed(ReadOnlySpan<byte> quoted)
    {
        foreach (var sort in DashboardTable.Sorts)
        {
            if (quoted.Length == sort.Length + 2 && Encoding.ASCII.GetString(quoted.Slice(1, sort.Length)) == sort)
            {
                return sort;
            }
        }

        return null;
    }

    private void Refuse(DashboardViewer viewer, string problem)
    {
        DashboardLog.BadCommand(_logger, viewer.Connection.Info.RemoteEndPoint, problem);
        viewer.Send("{\"type\":\"error\",\"message\":\"" + problem + "\"}");
    }

    private void Push(DashboardViewer[] viewers)
    {
        var snapshot = _server.GetSnapshot();
        var closes = Closes.Read();
        var sample = new DashboardSample(snapshot, _previous, closes, _previousCloses);
        Volatile.Write(ref _previous, snapshot);
        _previousCloses = closes;
        var point = DashboardFeed.Point(sample);
        if (_history.Count == HistoryLength)
        {
            _history.RemoveAt(0);
        }

        _history.Add(point);
        var groups = Groups();
        var last = new[] { point };
        foreach (var viewer in viewers)
        {
            bool first = viewer.TakeFirst();
            viewer.Send(DashboardFeed.Write(sample, first ? _history.ToArray() : last, first, viewer.View,
                _settings.DashboardMaxRows, groups, GroupsOf));
        }
    }

    private List<KeyValuePair<string, int>> Groups()
    {
        var groups = _server.Groups.Names.Select(name => new KeyValuePair<string, int>(name, _server.Groups.Count(name)))
            .Where(g => g.Value > 0).ToList();
        groups.Sort(static (a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        return groups;
    }

    private string GroupsOf(long id) =>
        _server.TryGetConnection(id, out var connection) ? string.Join(",", _server.Groups.GroupsOf(connection)) : string.Empty;

    private DashboardViewer[] Viewers()
    {
        lock (_viewers)
        {
            return _viewers.ToArray();
        }
    }
}
