using System.Collections.Generic;
using System.Linq;
using System.Net;
using EmbedWs.Dashboard;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Tests.Dashboard;

/// <summary>The dashboard's feed without sockets: samples built from snapshots, the JSON it writes, its bounds.</summary>
public class DashboardFeedTests
{
    internal static readonly DateTimeOffset T0 = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    [Test]
    public void Sample_TwoSnapshotsOneSecondApart_GivesRatesPerSecond()
    {
        var before = Server(T0, messagesIn: 100, messagesOut: 50, bytesIn: 10_240, bytesOut: 2048);
        var after = Server(T0.AddSeconds(2), messagesIn: 300, messagesOut: 250, bytesIn: 30_720, bytesOut: 6144);

        var sample = new DashboardSample(after, before, CloseCounts.None, CloseCounts.None);

        Assert.That(Value(sample, "messages/s", "in"), Is.EqualTo(100));
        Assert.That(Value(sample, "messages/s", "out"), Is.EqualTo(100));
        Assert.That(Value(sample, "KiB/s", "in"), Is.EqualTo(10));
        Assert.That(Value(sample, "KiB/s", "out"), Is.EqualTo(2));
    }

    [Test]
    public void Sample_First_HasRatesOfZero()
    {
        var sample = new DashboardSample(Server(T0, messagesIn: 100), null, CloseCounts.None, null);

        Assert.That(Value(sample, "messages/s", "in"), Is.Zero);
        Assert.That(Value(sample, "closes/s", "errors"), Is.Zero);
    }

    [Test]
    public void Sample_RoundTripTimes_FallInBucketsAndPercentiles()
    {
        var rtts = new double?[] { 0.5, 3, 3, 40, 2000, null };
        var now = Server(T0, connections: rtts.Select((ms, i) => Connection(i + 1, rtt: ms)).ToArray());

        var sample = new DashboardSample(now, null, CloseCounts.None, null);

        // Buckets: ≤1, ≤2, ≤5, ≤10, ≤20, ≤50, ..., ≤1000, >1000.
        Assert.That(sample.RttCounts, Is.EqualTo(new long[] { 1, 0, 2, 0, 0, 1, 0, 0, 0, 0, 1 }));
        Assert.That(sample.RttUnmeasured, Is.EqualTo(1));
        Assert.That(sample.RttP50, Is.EqualTo(3));
        Assert.That(sample.RttP99, Is.EqualTo(2000));
    }

    [Test]
    public void Sample_SendQueues_AreSummedAndTheLargestKept()
    {
        var now = Server(T0, connections: new[] { Connection(1, queued: 1024), Connection(2, queued: 3072) });

        var sample = new DashboardSample(now, null, CloseCounts.None, null);

        Assert.That(Value(sample, "send queue KiB", "all"), Is.EqualTo(4));
        Assert.That(Value(sample, "send queue KiB", "largest"), Is.EqualTo(3));
    }

    [Test]
    public void Sample_Closes_CountedPerSecondByKind()
    {
        var tally = new CloseTally();
        var before = tally.Read();
        tally.Add(new WsCloseInfo(1000, "", WsCloseCause.ClientClosed));
        tally.Add(new WsCloseInfo(1001, "heartbeat timeout", WsCloseCause.HeartbeatTimeout));
        tally.Add(new WsCloseInfo(1008, "slow consumer", WsCloseCause.SlowConsumer));
        tally.Add(new WsCloseInfo(1002, "bad frame", WsCloseCause.ProtocolError));

        var sample = new DashboardSample(Server(T0.AddSeconds(1)), Server(T0), tally.Read(), before);

        Assert.That(Value(sample, "closes/s", "heartbeat"), Is.EqualTo(1));
        Assert.That(Value(sample, "closes/s", "slow consumer"), Is.EqualTo(1));
        Assert.That(Value(sample, "closes/s", "errors"), Is.EqualTo(2), "1008 and 1002; not 1000 or 1001");
        Assert.That(sample.Closes.ByCode.Select(p => (int)p.Key), Is.EqualTo(new[] { 1000, 1001, 1002, 1008 }));
    }

    [Test]
    public void Write_FirstMessage_DescribesEverySeriesOfEveryPoint()
    {
        var sample = new DashboardSample(Server(T0, connections: new[] { Connection(7) }), null, CloseCounts.None, null);
        var point = DashboardFeed.Point(sample);

        var json = JObject.Parse(DashboardFeed.Write(sample, new[] { point, point }, describe: true, DashboardView.Default, 10, Groups(), _ => ""));

        Assert.That((string?)json["type"], Is.EqualTo("update"));
        Assert.That(((JArray)json["series"]!).Count, Is.EqualTo(DashboardFeed.Series.Length));
        Assert.That(((JArray)json["points"]!).Count, Is.EqualTo(2));
        Assert.That(((JArray)json["points"]![0]!).Count, Is.EqualTo(DashboardFeed.Series.Length + 1), "time, then one value per series");
        Assert.That((long)json["points"]![0]![0]!, Is.EqualTo(T0.ToUnixTimeMilliseconds()));
        Assert.That(json["sorts"]!.Select(s => (string?)s), Is.EqualTo(DashboardTable.Sorts));
    }

    [Test]
    public void Write_LaterMessage_CarriesNoDescription()
    {
        var sample = new DashboardSample(Server(T0), null, CloseCounts.None, null);

        var json = JObject.Parse(DashboardFeed.Write(sample, new[] { DashboardFeed.Point(sample) }, describe: false, DashboardView.Default, 10, Groups(), _ => ""));

        Assert.That(json["series"], Is.Null);
        Assert.That(((JArray)json["points"]!).Count, Is.EqualTo(1));
    }

    [Test]
    public void Write_Table_HasOneCellPerColumnAndTheConnectionsGroups()
    {
        var remote = new IPEndPoint(IPAddress.Loopback, 50_000);
        var now = Server(T0, connections: new[] { Connection(3, rtt: 12.5, queued: 99, remote: remote, connectedAt: T0.AddSeconds(-30)) });
        var sample = new DashboardSample(now, null, CloseCounts.None, null);

        var json = JObject.Parse(DashboardFeed.Write(sample, new[] { DashboardFeed.Point(sample) }, describe: true, DashboardView.Default, 10,
            Groups(("lobby", 1)), id => id == 3 ? "lobby" : ""));

        var table = json["table"]!;
        var columns = table["columns"]!.Select(c => (string)c!).ToList();
        var row = (JArray)table["rows"]![0]!;
        Assert.That(row.Count, Is.EqualTo(columns.Count));
        Assert.That((long)row[columns.IndexOf("id")], Is.EqualTo(3));
        Assert.That((string?)row[columns.IndexOf("address")], Is.EqualTo("127.0.0.1:50000"));
        Assert.That((string?)row[columns.IndexOf("path")], Is.EqualTo("/game"));
        Assert.That((double)row[columns.IndexOf("age s")], Is.EqualTo(30));
        Assert.That((double)row[columns.IndexOf("rtt ms")], Is.EqualTo(12.5));
        Assert.That((int)row[columns.IndexOf("queued B")], Is.EqualTo(99));
        Assert.That((string?)row[columns.IndexOf("groups")], Is.EqualTo("lobby"));
        Assert.That((string?)json["groups"]!["rows"]![0]![0], Is.EqualTo("lobby"));
    }

    [Test]
    public void Write_TenThousandConnections_StaysSmall()
    {
        var connections = Enumerable.Range(1, 10_000)
            .Select(i => Connection(i, rtt: i % 100, queued: i, remote: new IPEndPoint(IPAddress.Loopback, 10_000 + (i % 50_000))))
            .ToArray();
        var groups = Enumerable.Range(1, 5_000).Select(i => new KeyValuePair<string, int>("room-" + i, 2)).ToList();
        var sample = new DashboardSample(Server(T0, connections: connections), null, CloseCounts.None, null);

        string json = DashboardFeed.Write(sample, new[] { DashboardFeed.Point(sample) }, describe: false, DashboardView.Default, 100, groups, _ => "room-1");

        var parsed = JObject.Parse(json);
        Assert.That(((JArray)parsed["table"]!["rows"]!).Count, Is.EqualTo(100));
        Assert.That((int)parsed["table"]!["total"]!, Is.EqualTo(10_000));
        Assert.That((long)parsed["table"]!["rows"]![0]![0]!, Is.EqualTo(10_000), "the largest queue first");
        Assert.That(((JArray)parsed["groups"]!["rows"]!).Count, Is.EqualTo(100));
        Assert.That(json.Length, Is.LessThan(32 * 1024), "a second's update for 10,000 connections");
        TestContext.Out.WriteLine($"one update for 10,000 connections, 100 rows, 100 of 5,000 groups: {json.Length:N0} characters");
    }

    [Test]
    public void Write_TenThousandConnectionsFilteredAndPaged_StaysSmall()
    {
        // Long paths and many groups per connection: the cells are cut, the page stays one page.
        string path = "/game/" + new string('p', 2000);
        var connections = Enumerable.Range(1, 10_000)
            .Select(i => Connection(i, rtt: i % 100, queued: i, remote: new IPEndPoint(IPAddress.Loopback, 10_000 + i), path: path))
            .ToArray();
        var groups = Enumerable.Range(1, 5_000).Select(i => new KeyValuePair<string, int>("room-" + i, 2)).ToList();
        var sample = new DashboardSample(Server(T0, connections: connections), null, CloseCounts.None, null);
        var view = DashboardView.Default.WithSort("rtt").WithFilter("room-7").WithPage(3);

        string json = DashboardFeed.Write(sample, new[] { DashboardFeed.Point(sample) }, describe: false, view, 100, groups,
            id => id % 10 == 0 ? "room-7," + new string('g', 500) : "room-1");

        var table = JObject.Parse(json)["table"]!;
        Assert.That((int)table["total"]!, Is.EqualTo(10_000));
        Assert.That((int)table["matched"]!, Is.EqualTo(1_000));
        Assert.That((int)table["page"]!, Is.EqualTo(3));
        Assert.That(((JArray)table["rows"]!).Count, Is.EqualTo(100));
        Assert.That(json.Length, Is.LessThan(40 * 1024), "a second's update for 10,000 connections, 2 KB paths, filtered and paged");
        TestContext.Out.WriteLine($"one update for 10,000 connections (2 KB paths), filter matching 1,000, page 4 of 10: {json.Length:N0} characters");
    }

    private static double Value(DashboardSample sample, string chart, string name)
    {
        int i = Array.FindIndex(DashboardFeed.Series, s => s.Chart == chart && s.Name == name);
        Assert.That(i, Is.GreaterThanOrEqualTo(0), $"a series {chart}/{name}");
        return DashboardFeed.Point(sample)[i + 1];
    }

    private static IReadOnlyList<KeyValuePair<string, int>> Groups(params (string Name, int Count)[] groups) =>
        groups.Select(g => new KeyValuePair<string, int>(g.Name, g.Count)).ToList();

    private static WsServerSnapshot Server(DateTimeOffset at, long messagesIn = 0, long messagesOut = 0, long bytesIn = 0, long bytesOut = 0,
        WsConnectionSnapshot[]? connections = null)
    {
        connections ??= Array.Empty<WsConnectionSnapshot>();
        return new WsServerSnapshot(at, connections.Length, connections.Length, 0, 0, messagesIn, messagesOut, bytesIn, bytesOut, 0, connections);
    }

    internal static WsConnectionSnapshot Connection(long id, double? rtt = null, int queued = 0, long bytes = 0, IPEndPoint? remote = null,
        DateTimeOffset? connectedAt = null, string path = "/game") =>
        new(id, remote, path, WsConnectionState.Open, connectedAt ?? T0, rtt is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            queued, 0, 1, 2, bytes, 0);
}
