using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using EmbedWs.Samples.ConsoleHost;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;
using Microsoft.Playwright;

namespace EmbedWs.Tests.Clients;

/// <summary>
/// A fixture base that drives headless Chromium (Debian's /usr/bin/chromium through Playwright)
/// against the console host run in process: one browser per fixture, fresh pages per test.
/// </summary>
[NonParallelizable]
public abstract class ChromiumTest
{
    private const string ChromiumPath = "/usr/bin/chromium";

    // From BROWSER-TESTS.md: no network use besides 127.0.0.1, no profile left behind.
    private static readonly string[] s_flags =
    {
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
    };

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    protected IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium is not running.");

    [OneTimeSetUp]
    public void RaiseExpectTimeout() => Assertions.SetDefaultExpectTimeout(15000);

    [SetUp]
    public async Task LaunchChromiumAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            ExternalTool.Missing($"{ChromiumPath} not found: run 'apt-get update && apt-get install -y chromium'");
        }

        _playwright ??= await Playwright.CreateAsync();
        _browser ??= await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = s_flags });
    }

    [OneTimeTearDown]
    public async Task CloseChromiumAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>Starts the console host in process on 127.0.0.1 (port 0: a free one).</summary>
    protected static async Task<WsServer> StartHostAsync(HostMode mode, int port = 0, Action<WsServerOptions>? configure = null)
    {
        var options = new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, port) };
        configure?.Invoke(options);
        var server = ConsoleHostServer.Create(mode, options);
        await server.StartAsync();
        return server;
    }

    /// <summary>Opens the host's page and waits until its WebSocket is open.</summary>
    protected async Task<IPage> OpenPageAsync(WsServer server, Action<IPage>? beforeLoad = null)
    {
        var page = await Browser.NewPageAsync();
        beforeLoad?.Invoke(page);
        var response = await page.GotoAsync($"http://127.0.0.1:{server.Port}/");
        Assert.That(response?.Status, Is.EqualTo(200));
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("open");
        return page;
    }

    /// <summary>
    /// Opens the chat page and waits for its own join notice: the client is open before the
    /// server's OnConnect has put it in the lobby, and a push sent in between would miss it.
    /// </summary>
    protected async Task<IPage> OpenChatPageAsync(WsServer server)
    {
        var page = await OpenPageAsync(server);
        await Assertions.Expect(page.Locator("#log .msg").First).ToContainTextAsync(" joined lobby");
        return page;
    }

    /// <summary>
    /// Opens the host's page (the server's first client), counting the JSON pongs it sends, as
    /// Playwright sees them on the wire.
    /// </summary>
    protected async Task<(IPage Page, Func<int> Pongs, IWsConnection Connection)> OpenPageCountingPongsAsync(WsServer server)
    {
        int pongs = 0;
        var page = await OpenPageAsync(server, p => p.WebSocket += (_, ws) =>
            ws.FrameSent += (_, frame) =>
            {
                if (frame.Text?.Contains("\"type\":\"pong\"", StringComparison.Ordinal) == true)
                {
                    Interlocked.Increment(ref pongs);
                }
            });
        await Poll.UntilAsync(() => server.ConnectionCount == 1, "the server sees the page's connection");
        return (page, () => Volatile.Read(ref pongs), server.Connections.Single());
    }

    /// <summary>A server whose JSON heartbeat closes a peer after 0.3 s of silence plus 0.5 s without an answer.</summary>
    protected static Task<WsServer> StartHostWithFastJsonHeartbeatAsync(HostMode mode) =>
        StartHostAsync(mode, configure: o =>
            o.Heartbeat = EmbedWs.HeartbeatPolicy.JsonPingPong(TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(0.5)));

    protected static async Task SendFromPageAsync(IPage page, string text)
    {
        await page.Locator("#msg").FillAsync(text);
        await page.Locator("#send").ClickAsync();
    }
}
