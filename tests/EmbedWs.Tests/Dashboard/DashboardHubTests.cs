using System.Collections.Generic;
using System.Linq;
using System.Net.WebSockets;
using System.Threading;
using EmbedWs.Tests.TestSupport;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Tests.Dashboard;

/// <summary>The dashboard's socket over loopback: updates from the server's tick, the close command, viewers apart from user connections.</summary>
public class DashboardHubTests
{
    [Test]
    public async Task Socket_WithToken_StreamsAnUpdateAboutEverySecond()
    {
        await using var server = await StartAsync();
        await using var viewer = await DashboardClient.ConnectAsync(server.Port);

        var hello = await viewer.ReceiveAsync();
        var first = await viewer.ReceiveAsync("update");
        var second = await viewer.ReceiveAsync("update");

        Assert.That((string?)hello["type"], Is.EqualTo("hello"));
        Assert.That((int)hello["maxRows"]!, Is.EqualTo(100));
        Assert.That(first["series"], Is.Not.Null, "the first update names the charts");
        Assert.That(second["series"], Is.Null, "later ones carry only their point");
        long gap = (long)second["time"]! - (long)first["time"]!;
        Assert.That(gap, Is.InRange(800, 3000), "about a second apart");
    }

    [Test]
    public async Task Socket_Viewer_IsNoUserConnection()
    {
        await using var server = await StartAsync();
        await using var viewer = await DashboardClient.ConnectAsync(server.Port);
        await viewer.ReceiveAsync("update");

        Assert.That(server.Server.ConnectionCount, Is.Zero);
        Assert.That(server.Server.GetSnapshot().ConnectionsOpened, Is.Zero);
        Assert.That(server.Connected, Is.Empty, "no OnConnect for a viewer");
        Assert.That(server.Server.Dashboard!.ViewerCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Socket_WithUserConnections_ShowsThemInTheTableAndTheirGroups()
    {
        await using var server = await StartAsync();
        using var user = await ConnectUserAsync(server, "/game");
        var connection = server.Connected.Single();
        server.Server.Groups.Add(connection, "red");
        await using var viewer = await DashboardClient.ConnectAsync(server.Port);

        var update = await viewer.ReceiveAsync("update", m => (int)m["table"]!["total"]! == 1);

        var columns = update["table"]!["columns"]!.Select(c => (string)c!).ToList();
        var row = (JArray)update["table"]!["rows"]![0]!;
        Assert.That((long)row[columns.IndexOf("id")], Is.EqualTo(connection.Id));
        Assert.That((string?)row[columns.IndexOf("path")], Is.EqualTo("/game"));
        Assert.That((string?)row[columns.IndexOf("groups")], Is.EqualTo("red"));
        Assert.That((string?)update["groups"]!["rows"]![0]![0], Is.EqualTo("red"));
        Assert.That((int)update["totals"]!["connections"]!, Is.EqualTo(1));
    }

    [Test]
    public async Task Command_Close_ClosesTheConnectionWith1008AndLogsIt()
    {
        using var log = new RecordingLoggerFactory();
        await using var server = await StartAsync(o => o.LoggerFactory = log);
        using var user = await ConnectUserAsync(server, "/chat");
        long id = server.Connected.Single().Id;
        await using var viewer = await DashboardClient.ConnectAsync(server.Port);

        await viewer.SendAsync($"{{\"type\":\"close\",\"id\":{id}}}");
        var answer = await viewer.ReceiveAsync("closed");

        Assert.That((bool)answer["found"]!, Is.True);
        Assert.That(await server.ClosedSignal.WaitAsync(TestServer.Timeout), Is.True);
        var (_, close) = server.Closes.Single();
        Assert.That(close.Code, Is.EqualTo(WsCloseCodes.PolicyViolation));
        Assert.That(close.Reason, Is.EqualTo("closed from the dashboard"));
        await log.WaitForAsync(805);
        using var read = new CancellationTokenSource(TestServer.Timeout);
        var result = await user.ReceiveAsync(new byte[64], read.Token);
        Assert.That(result.CloseStatus, Is.EqualTo((WebSocketCloseStatus)1008));
    }

    [Test]
    public async Task Command_CloseOfAnUnknownId_AnswersNotFound()
    {
        await using var server = await StartAsync();
        await using var viewer = await DashboardClient.ConnectAsync(server.Port);

        await viewer.SendAsync("{\"type\":\"close\",\"id\":424242}");

        Assert.That((bool)(await viewer.ReceiveAsync("closed"))["found"]!, Is.False);
    }

    [TestCase("not json")]
    [TestCase("{\"type\":\"reboot\"}")]
    [TestCase("{\"type\":\"close\",\"id\":\"7\"}")]
    [TestCase("{\"type\":\"close\",\"id\":1.5}")]
    [TestCase("{\"type\":\"sort\",\"data\":\"everything\"}")]
    [TestCase("{\"type\":\"page\",\"data\":-1}")]
    [TestCase("{\"type\":\"page\",\"data\":\"2\"}")]
    [TestCase("{\"type\":\"filter\",\"data\":7}")]
    [TestCase("[1,2]")]
    public async Task Command_NotUnderstood_AnswersErrorAndKeepsStreaming(string command)
    {
        using var log = new RecordingLoggerFactory();
        await using var server = await StartAsync(o => o.LoggerFactory = log);
        await using var viewer = await DashboardClient.ConnectAsync(server.Port);

        await viewer.SendAsync(command);

        Assert.That((string?)(await viewer.ReceiveAsync("error"))["message"], Is.Not.Empty);
        await log.WaitForAsync(806);
        await viewer.ReceiveAsync("update");
    }

    [Test]
    public async Task Command_Sort_ChangesTheTablesOrder()
    {
        await using var server = await StartAsync();
        await using var viewer = await DashboardClient.ConnectAsync(server.Port);

        await viewer.SendAsync("{\"type\":\"sort\",\"data\":\"age\"}");

        await viewer.ReceiveAsync("update", m => (string?)m["table"]!["sort"] == "age");
    }

    [Test]
    public async Task Command_FilterAndPage_AnswerTheSliceAtOnceAndKeepItInUpdates()
    {
        await using var server = await StartAsync(o => o.DashboardMaxRows = 2);
        var users = new List<ClientWebSocket>();
        for (int i = 0; i < 5; i++)
        {
            users.Add(await ConnectUserAsync(server, i < 3 ? "/blue" : "/green"));
        }

        await using var viewer = await DashboardClient.ConnectAsync(server.Port);
        await viewer.ReceiveAsync("update", m => (int)m["table"]!["total"]! == 5);

        await viewer.SendAsync("{\"type\":\"filter\",\"data\":\"BLUE\"}");
        var filtered = (await viewer.ReceiveAsync("table"))["table"]!;
        await viewer.SendAsync("{\"type\":\"page\",\"data\":1}");
        var second = (await viewer.ReceiveAsync("table"))["table"]!;
        var update = await viewer.ReceiveAsync("update");

        Assert.That((int)filtered["matched"]!, Is.EqualTo(3));
        Assert.That(((JArray)filtered["rows"]!).Count, Is.EqualTo(2), "a page of DashboardMaxRows");
        Assert.That((int)second["page"]!, Is.EqualTo(1));
        Assert.That(((JArray)second["rows"]!).Count, Is.EqualTo(1), "the third blue one");
        Assert.That((string?)update["table"]!["filter"], Is.EqualTo("BLUE"));
        Assert.That((int)update["table"]!["page"]!, Is.EqualTo(1), "the tick's update keeps the viewer's view");
        users.ForEach(u => u.Abort());
    }

    [Test]
    public async Task Command_Group_AnswersItsMembersBounded()
    {
        await using var server = await StartAsync(o => o.DashboardMaxRows = 2);
        var users = new List<ClientWebSocket>();
        for (int i = 0; i < 3; i++)
        {
            users.Add(await ConnectUserAsync(server, "/room"));
        }

        foreach (var c in server.Connected)
        {
            server.Server.Groups.Add(c, "room:\"quoted\"");
        }

        await using var viewer = await DashboardClient.ConnectAsync(server.Port);

        await viewer.SendAsync("{\"type\":\"group\",\"data\":\"room:\\\"quoted\\\"\"}");
        var group = await viewer.ReceiveAsync("group");
        await viewer.SendAsync("{\"type\":\"group\",\"data\":\"nobody\"}");
        var empty = await viewer.ReceiveAsync("group");

        Assert.That((string?)group["name"], Is.EqualTo("room:\"quoted\""));
        Assert.That((int)group["total"]!, Is.EqualTo(3));
        Assert.That(group["members"]!.Select(m => (long)m[0]!), Is.EqualTo(server.Connected.Select(c => c.Id).OrderBy(id => id).Take(2)));
        Assert.That((string?)group["members"]![0]![2], Is.EqualTo("/room"));
        Assert.That((int)empty["total"]!, Is.Zero);
        users.ForEach(u => u.Abort());
    }

    [Test]
    public async Task Closes_ByCode_AreCounted()
    {
        await using var server = await StartAsync();
        using (var user = await ConnectUserAsync(server, "/"))
        {
            using var timeout = new CancellationTokenSource(TestServer.Timeout);
            await user.CloseAsync((WebSocketCloseStatus)4000, "bye", timeout.Token);
        }

        Assert.That(await server.ClosedSignal.WaitAsync(TestServer.Timeout), Is.True);
        await using var viewer = await DashboardClient.ConnectAsync(server.Port);

        var update = await viewer.ReceiveAsync("update");

        Assert.That(update["closes"]!.Select(p => ((int)p[0]!, (long)p[1]!)), Is.EqualTo(new[] { (4000, 1L) }));
        Assert.That((long)update["causes"]!["client_closed"]!, Is.EqualTo(1));
    }

    [Test]
    public async Task Stop_ClosesViewersWith1001()
    {
        var server = await StartAsync();
        await using var viewer = await DashboardClient.ConnectAsync(server.Port);
        await viewer.ReceiveAsync("hello");

        var stopping = server.Server.StopAsync();
        using var read = new CancellationTokenSource(TestServer.Timeout);
        var result = await viewer.Socket.ReceiveAsync(new byte[64 * 1024], read.Token);
        while (result.MessageType != WebSocketMessageType.Close)
        {
            result = await viewer.Socket.ReceiveAsync(new byte[64 * 1024], read.Token);
        }

        Assert.That(result.CloseStatus, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        await viewer.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", read.Token);
        await stopping.WaitAsync(TestServer.Timeout);
        await server.DisposeAsync();
    }

    [Test]
    public async Task Dashboard_Off_SocketPathIsAUserConnection()
    {
        await using var server = await TestServer.StartAsync();
        await using var viewer = await DashboardClient.ConnectAsync(server.Port);

        Assert.That(await server.ConnectedSignal.WaitAsync(TestServer.Timeout), Is.True);
        Assert.That(server.Server.Dashboard, Is.Null);
    }

    internal static Task<TestServer> StartAsync(Action<WsServerOptions>? configure = null) =>
        TestServer.StartAsync(o =>
        {
            o.Dashboard = true;
            o.DashboardToken = DashboardClient.Token;
            configure?.Invoke(o);
        });

    private static async Task<ClientWebSocket> ConnectUserAsync(TestServer server, string path)
    {
        var client = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TestServer.Timeout);
        await client.ConnectAsync(server.Uri(path), timeout.Token);
        Assert.That(await server.ConnectedSignal.WaitAsync(TestServer.Timeout), Is.True);
        return client;
    }
}
