using System.Linq;
using System.Net;
using EmbedWs.Dashboard;
using Newtonsoft.Json.Linq;
using static EmbedWs.Tests.Dashboard.DashboardFeedTests;

namespace EmbedWs.Tests.Dashboard;

/// <summary>The connections table without sockets: filter, order and page of one viewer's view, and its bounds.</summary>
public class DashboardTableTests
{
    [TestCase("queued", new long[] { 2, 3, 1 })]
    [TestCase("rtt", new long[] { 3, 1, 2 })]
    [TestCase("age", new long[] { 3, 2, 1 })]
    [TestCase("traffic", new long[] { 1, 3, 2 })]
    [TestCase("id", new long[] { 1, 2, 3 })]
    [TestCase("unknown", new long[] { 2, 3, 1 })]
    public void Select_SortsByTheOrderAsked(string sort, long[] ids)
    {
        var connections = new[]
        {
            Connection(1, rtt: 5, queued: 10, bytes: 900, connectedAt: T0),
            Connection(2, rtt: 1, queued: 300, bytes: 10, connectedAt: T0.AddSeconds(-10)),
            Connection(3, rtt: 50, queued: 20, bytes: 500, connectedAt: T0.AddSeconds(-20)),
        };

        var rows = DashboardTable.Select(connections, DashboardView.Default.WithSort(sort), 10, _ => "", out int matched, out _);

        Assert.That(rows.Select(c => c.Id), Is.EqualTo(ids));
        Assert.That(matched, Is.EqualTo(3));
    }

    [TestCase("12", new long[] { 12 }, Description = "an id matches whole: not 112 or 120")]
    [TestCase("7", new long[] { 7 }, Description = "digits name an id only, though 10.0.0.7 holds them")]
    [TestCase("10.0.0.7", new long[] { 7 }, Description = "in the address")]
    [TestCase("/ADMIN", new long[] { 3, 6, 9 }, Description = "in the path, ignoring case")]
    [TestCase("red", new long[] { 2, 4 }, Description = "in a group's name")]
    [TestCase("nothing-like-it", new long[0])]
    public void Select_Filter_MatchesIdAddressPathOrGroup(string filter, long[] ids)
    {
        var connections = Enumerable.Range(1, 120)
            .Select(i => Connection(i, remote: i == 7 ? new IPEndPoint(IPAddress.Parse("10.0.0.7"), 4000) : null, path: i % 3 == 0 && i < 10 ? "/admin" : "/game"))
            .ToArray();

        var rows = DashboardTable.Select(connections, DashboardView.Default.WithSort("id").WithFilter(filter), 100,
            id => id is 2 or 4 ? "team:red,lobby" : "lobby", out int matched, out _);

        Assert.That(rows.Select(c => c.Id), Is.EqualTo(ids));
        Assert.That(matched, Is.EqualTo(ids.Length));
    }

    [TestCase(0, 1, 10)]
    [TestCase(2, 21, 30)]
    [TestCase(4, 41, 45)]
    [TestCase(99, 41, 45, Description = "past the last page: the last")]
    public void Select_Page_GivesThatSliceInOrder(int page, long first, long last)
    {
        var connections = Enumerable.Range(1, 45).Select(i => Connection(i)).ToArray();

        var rows = DashboardTable.Select(connections, DashboardView.Default.WithSort("id").WithPage(page), 10, _ => "", out _, out int given);

        Assert.That(rows.First().Id, Is.EqualTo(first));
        Assert.That(rows.Last().Id, Is.EqualTo(last));
        Assert.That(given, Is.EqualTo(Math.Min(page, 4)));
    }

    [Test]
    public void View_NewSortOrFilter_StartsAtTheFirstPage()
    {
        var view = DashboardView.Default.WithPage(5);

        Assert.That(view.WithSort("rtt").Page, Is.Zero);
        Assert.That(view.WithFilter("x").Page, Is.Zero);
        Assert.That(view.WithPage(2).Filter, Is.Empty);
    }

    [Test]
    public void Write_ThousandRowsOfLongPaths_IsCutAtItsByteBudget()
    {
        var connections = Enumerable.Range(1, 1000).Select(i => Connection(i, path: "/" + new string('x', 5000))).ToArray();
        var now = new WsServerSnapshot(T0, 1000, 1000, 0, 0, 0, 0, 0, 0, 0, connections);
        var w = new DashboardJsonWriter();

        DashboardTable.Write(w, now, DashboardView.Default, 1000, _ => "");

        var table = JObject.Parse(w.ToString());
        var rows = (JArray)table["rows"]!;
        Assert.That((bool)table["truncated"]!, Is.True);
        Assert.That(rows.Count, Is.InRange(100, 999));
        Assert.That(((string)rows[0][2]!).Length, Is.EqualTo(DashboardTable.MaxCellChars), "a long path is cut");
        Assert.That(w.Length, Is.LessThan(DashboardTable.MaxRowChars + 2048));
        Assert.That(table["columnSorts"]!.Count(), Is.EqualTo(DashboardTable.Columns.Length));
    }
}
