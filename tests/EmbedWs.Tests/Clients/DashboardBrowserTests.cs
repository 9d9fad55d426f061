using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using EmbedWs.Samples.ConsoleHost;
using EmbedWs.Tests.TestSupport;
using Microsoft.Playwright;

namespace EmbedWs.Tests.Clients;

/// <summary>
/// Headless Chromium opens the live dashboard of the console host (chat mode, in process) while
/// a small load runs: the charts update, a connection is closed from the page, screenshots are
/// saved to the test output folder (<c>screenshots/</c>).
/// </summary>
public class DashboardBrowserTests : ChromiumTest
{
    private const string Token = "browser-test-token-0123";
    private const int Clients = 6;

    [Test]
    public async Task Dashboard_WhileLoadRuns_ChartsUpdateAndAConnectionClosesFromThePage()
    {
        await using var server = await StartHostAsync(HostMode.Chat, configure: o =>
        {
            o.Dashboard = true;
            o.DashboardToken = Token;
            o.Heartbeat = EmbedWs.HeartbeatPolicy.PingPong(TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(5));
        });
        var closes = new ConcurrentDictionary<long, WsCloseInfo>();
        server.OnClose += (c, close) => closes[c.Id] = close;
        using var stop = new CancellationTokenSource();
        var load = await StartLoadAsync(server.Port, stop.Token);
        await Poll.UntilAsync(() => server.ConnectionCount == Clients, "the load's clients are connected");

        var page = await Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var response = await page.GotoAsync($"http://127.0.0.1:{server.Port}/embedws/?token={Token}");
        Assert.That(response?.Status, Is.EqualTo(200));
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("open");

        // Updates arrive from the server's tick, about one a second, and the charts follow them.
        await Assertions.Expect(page.Locator("#updates")).ToHaveAttributeAsync("data-count", new Regex("^([4-9]|\\d\\d+)$"));
        await Assertions.Expect(Legend(page, "connections", "open")).ToHaveAttributeAsync("data-value", Clients.ToString());
        await Assertions.Expect(Legend(page, "messages/s", "in")).ToHaveAttributeAsync("data-value", new Regex("^(?!0$)[0-9.]+$"));
        await Assertions.Expect(page.Locator("#connections tbody tr")).ToHaveCountAsync(Clients);
        await Assertions.Expect(page.Locator("#groups tbody tr").First).ToContainTextAsync("room:");
        await Assertions.Expect(page.Locator("#rtt-note")).ToHaveTextAsync(new Regex("^ms, [2-6] measured"));
        await SaveScreenshotAsync(page, "dashboard.png");

        // Close one connection from the table: the first click arms the button, the second sends.
        long target = server.Connections.Min(c => c.Id);
        var button = page.Locator($"#connections tbody tr[data-id='{target}'] button");
        await button.ClickAsync();
        await Assertions.Expect(page.Locator($"#connections tbody tr[data-id='{target}'] button")).ToHaveTextAsync("close 1008?");
        await page.Locator($"#connections tbody tr[data-id='{target}'] button").ClickAsync();

        await Poll.UntilAsync(() => closes.ContainsKey(target), "the server closed the connection");
        Assert.That(closes[target].Code, Is.EqualTo(WsCloseCodes.PolicyViolation));
        Assert.That(closes[target].Reason, Is.EqualTo("closed from the dashboard"));
        await Assertions.Expect(page.Locator("#notice")).ToHaveTextAsync($"closed connection {target}");
        await Assertions.Expect(page.Locator($"#connections tbody tr[data-id='{target}']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#closes tbody tr.error")).ToContainTextAsync("1008");
        await SaveScreenshotAsync(page, "dashboard-after-close.png");

        stop.Cancel();
        await Task.WhenAll(load).WaitAsync(TestServer.Timeout);
        await page.CloseAsync();
    }

    [Test]
    public async Task Dashboard_ManyConnections_FindsPagesSortsAndShowsAGroupsMembers()
    {
        await using var server = await StartHostAsync(HostMode.Chat, configure: o =>
        {
            o.Dashboard = true;
            o.DashboardToken = Token;
            o.DashboardMaxRows = 5;
        });
        var clients = new List<ClientWebSocket>();
        for (int i = 0; i < 12; i++)
        {
            var client = new ClientWebSocket();
            using var timeout = new CancellationTokenSource(TestServer.Timeout);
            await client.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/chat"), timeout.Token);
            if (i < 2)
            {
                await SendAsync(client, "{\"type\":\"room.join\",\"id\":1,\"data\":{\"room\":\"arena\"}}", timeout.Token);
            }

            clients.Add(client);
        }

        await Poll.UntilAsync(() => server.ConnectionCount == 12 && server.Groups.Count("room:arena") == 2, "the clients are in");
        var page = await Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await page.GotoAsync($"http://127.0.0.1:{server.Port}/embedws?token={Token}");

        // The slashless address came to /embedws/, and the token left the address for a cookie that opened the socket.
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("open");
        Assert.That(page.Url, Is.EqualTo($"http://127.0.0.1:{server.Port}/embedws/"));
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "embedws_dashboard");
        Assert.That((cookie.HttpOnly, cookie.SameSite, cookie.Path), Is.EqualTo((true, SameSiteAttribute.Strict, "/embedws/")));

        // 12 connections, 5 a page: three pages.
        await Assertions.Expect(page.Locator("#connections tbody tr")).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("#page-note")).ToHaveTextAsync("page 1 of 3");
        await page.Locator("#next").ClickAsync();
        await page.Locator("#next").ClickAsync();
        await Assertions.Expect(page.Locator("#page-note")).ToHaveTextAsync("page 3 of 3");
        await Assertions.Expect(page.Locator("#connections tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#next")).ToBeDisabledAsync();

        // A column's header orders the table; ordering starts again at the first page.
        await page.Locator("#connections thead th", new() { HasTextString = "id" }).First.ClickAsync();
        await Assertions.Expect(page.Locator("#connections thead th").First).ToHaveTextAsync("id ▾");
        await Assertions.Expect(page.Locator("#page-note")).ToHaveTextAsync("page 1 of 3");
        long lowest = server.Connections.Min(c => c.Id);
        await Assertions.Expect(page.Locator("#connections tbody tr").First).ToHaveAttributeAsync("data-id", lowest.ToString());

        // A group's members on click; a member on click is found in the table.
        await page.Locator("#groups tbody tr", new() { HasTextString = "room:arena" }).ClickAsync();
        await Assertions.Expect(page.Locator("#members-title")).ToHaveTextAsync("room:arena");
        await Assertions.Expect(page.Locator("#members-list tbody tr")).ToHaveCountAsync(2);
        await SaveScreenshotAsync(page, "dashboard-members.png");
        long member = server.Groups.Members("room:arena").Max(c => c.Id);
        await page.Locator("#members-list tbody tr").Nth(1).ClickAsync(); // by id: the second is the larger
        await Assertions.Expect(page.Locator("#connections tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#connections tbody tr").First).ToHaveAttributeAsync("data-id", member.ToString());

        // Typing finds by path; nothing found says so.
        await page.Locator("#filter").FillAsync("no-such-thing");
        await Assertions.Expect(page.Locator("#connections td.empty")).ToHaveTextAsync("No connection matches “no-such-thing”");
        await page.Locator("#filter").FillAsync("/chat");
        await Assertions.Expect(page.Locator("#connections-total")).ToContainTextAsync("12 of 12 match");

        clients.ForEach(c => c.Abort());
        await page.CloseAsync();
    }

    [Test]
    public async Task Dashboard_ServerGoesAwayAndComesBack_ShowsABannerThenReconnects()
    {
        Action<WsServerOptions> configure = o =>
        {
            o.Dashboard = true;
            o.DashboardToken = Token;
        };
        var server = await StartHostAsync(HostMode.Echo, configure: configure);
        int port = server.Port;
        var page = await Browser.NewPageAsync();
        await page.GotoAsync($"http://127.0.0.1:{port}/embedws/?token={Token}");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("open");
        await Assertions.Expect(page.Locator("#connections td.empty")).ToHaveTextAsync("No connections yet");
        await Assertions.Expect(page.Locator("#groups td.empty")).ToHaveTextAsync("No groups with members");
        await Assertions.Expect(page.Locator("#banner")).ToBeHiddenAsync();

        await server.DisposeAsync();
        await Assertions.Expect(page.Locator("#banner")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#banner-text")).ToContainTextAsync("The server stopped.");
        await SaveScreenshotAsync(page, "dashboard-disconnected.png");

        // The same port and token: the page's cookie still opens the socket, and the banner goes.
        await using var again = await StartHostAsync(HostMode.Echo, port, configure);
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("open", new() { Timeout = 20000 });
        await Assertions.Expect(page.Locator("#banner")).ToBeHiddenAsync();
        await page.CloseAsync();
    }

    [Test]
    public async Task Dashboard_DarkColorScheme_UsesDarkColours()
    {
        await using var server = await StartHostAsync(HostMode.Echo, configure: o =>
        {
            o.Dashboard = true;
            o.DashboardToken = Token;
        });
        var page = await Browser.NewPageAsync(new() { ColorScheme = ColorScheme.Dark, ViewportSize = new() { Width = 1280, Height = 900 } });

        await page.GotoAsync($"http://127.0.0.1:{server.Port}/embedws/?token={Token}");
        await Assertions.Expect(page.Locator("#updates")).ToHaveAttributeAsync("data-count", new Regex("^[2-9]|\\d\\d+$"));

        string background = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        Assert.That(background, Is.EqualTo("rgb(21, 25, 30)"));
        await SaveScreenshotAsync(page, "dashboard-dark.png");
        await page.CloseAsync();
    }

    private static ILocator Legend(IPage page, string chart, string series) =>
        page.Locator($".chart[data-chart='{chart}'] .legend span[data-series='{series}']");

    /// <summary>Chat clients: two in a room of their own; four send a line every 50 ms, two only read.</summary>
    private static async Task<List<Task>> StartLoadAsync(int port, CancellationToken stop)
    {
        var tasks = new List<Task>();
        for (int i = 0; i < Clients; i++)
        {
            var client = new ClientWebSocket();
            using var timeout = new CancellationTokenSource(TestServer.Timeout);
            await client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/chat"), timeout.Token);
            if (i < 2)
            {
                await SendAsync(client, "{\"type\":\"room.join\",\"id\":1,\"data\":{\"room\":\"arena\"}}", timeout.Token);
            }

            tasks.Add(ReadAsync(client));

            // The last two only listen: the heartbeat pings a silent peer, which is what measures a round trip.
            tasks.Add(i < Clients - 2 ? WriteAsync(client, i, stop) : IdleAsync(client, stop));
        }

        return tasks;
    }

    private static async Task WriteAsync(ClientWebSocket client, int n, CancellationToken stop)
    {
        try
        {
            for (int i = 0; !stop.IsCancellationRequested && client.State == WebSocketState.Open; i++)
            {
                await SendAsync(client, $"{{\"type\":\"chat.send\",\"data\":{{\"text\":\"load {n}.{i}\"}}}}", stop);
                await Task.Delay(50, stop);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Abort();
        }
    }

    private static async Task IdleAsync(ClientWebSocket client, CancellationToken stop)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
            client.Abort();
        }
    }

    private static async Task ReadAsync(ClientWebSocket client)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while ((await client.ReceiveAsync(buffer, CancellationToken.None)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private static Task SendAsync(ClientWebSocket client, string text, CancellationToken token) =>
        client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, token);

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        string dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path);
    }
}
