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
