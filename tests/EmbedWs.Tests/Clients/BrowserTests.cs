using System.IO;
using System.Net;
using EmbedWs.Samples.ConsoleHost;
using Microsoft.Playwright;

namespace EmbedWs.Tests.Clients;

/// <summary>
/// Headless Chromium (Debian's /usr/bin/chromium through Playwright) loads the console host's
/// page, which opens a WebSocket back to the server: the browser's own WebSocket client.
/// </summary>
[NonParallelizable]
public class BrowserTests
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

    [OneTimeSetUp]
    public void RaiseExpectTimeout() => Assertions.SetDefaultExpectTimeout(15000);

    [SetUp]
    public async Task LaunchChromiumAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            ExternalTool.Missing($"{ChromiumPath} not found: run 'apt-get update && apt-get install -y chromium'");
        }

        // One browser for the fixture; each test opens its own pages.
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

    [Test]
    public async Task EchoMode_MessageTypedInPage_IsEchoedIntoLog()
    {
        await using var server = await StartHostAsync(HostMode.Echo);
        var page = await OpenPageAsync(server);

        await SendFromPageAsync(page, "héllo from chromium 🌍");

        await Assertions.Expect(page.Locator("#log .msg")).ToHaveTextAsync(new[] { "héllo from chromium 🌍" });
        await page.CloseAsync();
    }

    [Test]
    public async Task ChatMode_MessageTypedInOnePage_AppearsInTheOther()
    {
        await using var server = await StartHostAsync(HostMode.Chat);
        // One at a time, so the first page is connection #1 and the second #2.
        var first = await OpenPageAsync(server);
        var second = await OpenPageAsync(server);

        await SendFromPageAsync(first, "hello from page 1");

        await Assertions.Expect(second.Locator("#log .msg")).ToHaveTextAsync(new[] { "#2 joined", "#1: hello from page 1" });
        await second.CloseAsync();
        await Assertions.Expect(first.Locator("#log .msg"))
            .ToHaveTextAsync(new[] { "#1 joined", "#2 joined", "#1: hello from page 1", "#2 left" });
        await first.CloseAsync();
    }

    [Test]
    public async Task Page_OtherPath_Is404()
    {
        await using var server = await StartHostAsync(HostMode.Echo);
        var page = await _browser!.NewPageAsync();

        var response = await page.GotoAsync($"http://127.0.0.1:{server.Port}/missing");

        Assert.That(response?.Status, Is.EqualTo(404));
        await page.CloseAsync();
    }

    private static async Task<WsServer> StartHostAsync(HostMode mode)
    {
        var server = ConsoleHostServer.Create(mode, new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) });
        await server.StartAsync();
        return server;
    }

    private async Task<IPage> OpenPageAsync(WsServer server)
    {
        var page = await _browser!.NewPageAsync();
        var response = await page.GotoAsync($"http://127.0.0.1:{server.Port}/");
        Assert.That(response?.Status, Is.EqualTo(200));
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("open");
        return page;
    }

    private static async Task SendFromPageAsync(IPage page, string text)
    {
        await page.Locator("#msg").FillAsync(text);
        await page.Locator("#send").ClickAsync();
    }
}
