using System.IO;
using System.Net;
using System.Text.RegularExpressions;
using EmbedWs.Samples.GameLoop;
using EmbedWs.Tests.Clients;
using EmbedWs.Tests.TestSupport;
using Microsoft.Playwright;
using static EmbedWs.Tests.Samples.GameMessageReader;

namespace EmbedWs.Tests.Samples;

/// <summary>
/// Headless Chromium (Debian's /usr/bin/chromium through Playwright) plays the game loop's
/// page: status, ticks, player count, the handler thread, and arrow keys that move the player.
/// </summary>
public class GameLoopBrowserTests : ChromiumTest
{
    private GameHost? _host;

    private GameHost Host => _host ?? throw new InvalidOperationException("The game host is not running.");

    // Runs after the base class has launched Chromium.
    [SetUp]
    public async Task StartGameHostAsync()
    {
        _host = GameHost.Create(new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) }, tickRate: 50);
        await _host.StartAsync().WaitAsync(Timeout);
    }

    [TearDown]
    public async Task StopHost()
    {
        if (_host is not null)
        {
            await _host.StopAsync().WaitAsync(Timeout);
            Assert.That(_host.OffThreadHandlerCalls, Is.Zero);
            _host = null;
        }
    }

    [Test]
    public async Task Page_ShowsOpenTheLoopThreadPlayersAndTicks()
    {
        var page = await OpenPageAsync("?name=ann");

        await Assertions.Expect(page.Locator("#thread")).ToHaveTextAsync(GameHost.LoopThreadName);
        await Assertions.Expect(page.Locator("#me")).ToHaveTextAsync(new Regex(@"^#\d+ ann$"));
        await Assertions.Expect(page.Locator("#players")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#tick")).ToHaveTextAsync(new Regex(@"^\d+$"));
        long first = long.Parse(await page.Locator("#tick").TextContentAsync() ?? "");
        await Assertions.Expect(page.Locator("#tick")).Not.ToHaveTextAsync(first.ToString());
        Assert.That(long.Parse(await page.Locator("#tick").TextContentAsync() ?? ""), Is.GreaterThan(first));
        await page.CloseAsync();
    }

    [Test]
    public async Task ArrowKey_HeldInPage_MovesThePlayerForAnotherClient()
    {
        var page = await OpenPageAsync("?name=ann");
        await Assertions.Expect(page.Locator("#me")).ToHaveTextAsync(new Regex(@"^#\d+ ann$"));
        string me = await page.Locator("#me").TextContentAsync() ?? "";
        long id = long.Parse(me.Substring(1, me.IndexOf(' ') - 1));
        using var bob = await JsonClient.ConnectAsync(Host.Port).WaitAsync(Timeout);
        double x0 = X(Player(await WorldWhereAsync(bob, w => Player(w, id) is not null, "ann in bob's world"), id)!);

        // Toward the middle, so the edge of the field cannot stop her.
        int direction = x0 < World.Size / 2 ? 1 : -1;
        string key = direction > 0 ? "ArrowRight" : "ArrowLeft";
        await page.Keyboard.DownAsync(key);
        await WorldWhereAsync(bob, w => Player(w, id) is { } p && (X(p) - x0) * direction >= 1, "ann moved in bob's world");
        await page.Keyboard.UpAsync(key);
        await page.CloseAsync();
    }

    [Test]
    public async Task SecondPage_Closing_DropsThePlayersCountInTheFirst()
    {
        var first = await OpenPageAsync(string.Empty);
        var second = await OpenPageAsync(string.Empty);
        await Assertions.Expect(first.Locator("#players")).ToHaveTextAsync("2");

        await second.CloseAsync();

        await Assertions.Expect(first.Locator("#players")).ToHaveTextAsync("1");
        await first.CloseAsync();
    }

    [Test]
    public async Task Page_OtherPath_Is404()
    {
        var page = await Browser.NewPageAsync();

        var response = await page.GotoAsync($"http://127.0.0.1:{Host.Port}/missing");

        Assert.That(response?.Status, Is.EqualTo(404));
        await page.CloseAsync();
    }

    private async Task<IPage> OpenPageAsync(string query)
    {
        var page = await Browser.NewPageAsync();
        var response = await page.GotoAsync($"http://127.0.0.1:{Host.Port}/{query}");
        Assert.That(response?.Status, Is.EqualTo(200));
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("open");
        return page;
    }
}
