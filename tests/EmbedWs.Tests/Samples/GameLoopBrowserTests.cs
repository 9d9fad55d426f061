using System.Linq;
using System.IO;
using System.Net;
using System.Text.Json;
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
    public async Task PlayerInACorner_IsDrawnWhole_DotAndName()
    {
        var page = await OpenPageAsync("?name=annabel-with-a-long-name");
        await Assertions.Expect(page.Locator("#me")).ToHaveTextAsync(new Regex(@"^#\d+ annabel-with-a-long-name$"));

        foreach (var (keys, corner) in new[] { (new[] { "ArrowLeft", "ArrowUp" }, 0.0), (new[] { "ArrowRight", "ArrowDown" }, World.Size) })
        {
            foreach (var key in keys)
            {
                await page.Keyboard.DownAsync(key);
            }

            // The page draws the worlds a little behind, interpolated (shown is what it drew
            // last): once it drew the player in the corner, that is what the canvas shows.
            await page.WaitForFunctionAsync(
                "c => { const p = shown.find(p => p.id === myId); return p && p.x === c && p.y === c; }",
                corner,
                new() { Timeout = (float)Timeout.TotalMilliseconds });
            var drawn = await page.EvaluateAsync<JsonElement>(BoxesScript);
            foreach (var key in keys)
            {
                await page.Keyboard.UpAsync(key);
            }

            int size = drawn.GetProperty("size").GetInt32();
            foreach (var (part, minSize) in new[] { ("dot", 16), ("name", 40) })
            {
                var box = drawn.GetProperty(part);
                Assert.That(box.ValueKind, Is.EqualTo(JsonValueKind.Object), $"the {part} is on the canvas at ({corner}, {corner})");
                int x0 = box.GetProperty("x0").GetInt32(), y0 = box.GetProperty("y0").GetInt32();
                int x1 = box.GetProperty("x1").GetInt32(), y1 = box.GetProperty("y1").GetInt32();
                Assert.That(new[] { x0, y0 }, Has.All.GreaterThan(0), $"the {part} does not touch the top or left edge at ({corner}, {corner}): {box}");
                Assert.That(new[] { x1, y1 }, Has.All.LessThan(size - 1), $"the {part} does not touch the bottom or right edge at ({corner}, {corner}): {box}");
                Assert.That(x1 - x0 + 1, Is.GreaterThanOrEqualTo(minSize), $"the {part} is drawn whole at ({corner}, {corner}): {box}");
            }
        }

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
    public async Task Page_UnderSimulatedLatencyAndJitter_DrawsThePlayerMovingSmoothly()
    {
        await StopHost();
        _host = GameHost.Create(new WsServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            NetworkSimulation = WsNetworkConditions.Parse("latency=80ms,jitter=40ms"),
        }, tickRate: 20);
        await _host.StartAsync().WaitAsync(Timeout);
        var page = await OpenPageAsync("?name=ann");
        await page.WaitForFunctionAsync("() => shown.some(p => p.id === myId)", null, new() { Timeout = (float)Timeout.TotalMilliseconds });

        // Holding a key, for 1.5 s, towards the far side: the drawn position, each animation
        // frame. Worlds arrive every 50 ms give or take 40; drawn as they arrived, the dot would
        // stand still in most frames, then jump.
        double start = await page.EvaluateAsync<double>("() => shown.find(p => p.id === myId).x");
        string key = start < World.Size / 2 ? "ArrowRight" : "ArrowLeft";
        await page.Keyboard.DownAsync(key);
        var run = await page.EvaluateAsync<JsonElement>(
            """
            () => new Promise(done => {
              const xs = [], at = [], t0 = performance.now(), w0 = world.tick;
              const step = () => {
                const p = shown.find(p => p.id === myId);
                if (p) { xs.push(p.x); at.push(performance.now()); }
                if (performance.now() - t0 < 1500) requestAnimationFrame(step);
                else done({ xs, at, ticks: world.tick - w0, delay: +document.getElementById('delay').textContent });
              };
              requestAnimationFrame(step);
            })
            """);
        await page.Keyboard.UpAsync(key);

        var xs = run.GetProperty("xs").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var at = run.GetProperty("at").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        int first = Array.FindIndex(xs, x => x != xs[0]);
        int moving = 0, changed = 0;
        double fastest = 0;
        for (int i = Math.Max(first, 1); i < xs.Length && xs[i] is > 0 and < World.Size; i++)
        {
            moving++;
            changed += xs[i] != xs[i - 1] ? 1 : 0;
            fastest = Math.Max(fastest, Math.Abs(xs[i] - xs[i - 1]) * 1000 / (at[i] - at[i - 1]));
        }

        TestContext.Out.WriteLine($"{xs.Length} frames, {run.GetProperty("ticks")} ticks, drawn {run.GetProperty("delay")} ms behind; " +
                                  $"moving in {changed} of {moving} frames, at most {fastest:0} units/s");
        Assert.That(run.GetProperty("delay").GetDouble(), Is.GreaterThan(100), "drawn behind by more than two ticks");
        Assert.That(first, Is.GreaterThan(0), "the player moved");
        Assert.That(changed, Is.GreaterThanOrEqualTo(moving * 0.7), "the dot moves in (nearly) every frame, between the worlds");
        Assert.That(fastest, Is.LessThan(3 * World.MaxSpeed), "and never jumps");
        await page.CloseAsync();
    }

    [Test]
    public async Task Page_OtherPath_Is404()
    {
        var page = await Browser.NewPageAsync();

        var response = await page.GotoAsync($"http://127.0.0.1:{Host.Port}/missing");

        Assert.That(response?.Status, Is.EqualTo(404));
        await page.CloseAsync();
    }

    // The canvas's size and the boxes around the page's own dot (#d33, opaque) and the names'
    // text (#222, opaque); null where there is none. Only the page's player is in the world.
    private const string BoxesScript =
        """
        () => {
          const c = document.getElementById('field');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          const box = test => {
            let b = null;
            for (let y = 0; y < c.height; y++) {
              for (let x = 0; x < c.width; x++) {
                const i = (y * c.width + x) * 4;
                if (d[i + 3] > 200 && test(d[i], d[i + 1], d[i + 2])) {
                  b = b || { x0: x, y0: y, x1: x, y1: y };
                  b.x0 = Math.min(b.x0, x); b.y0 = Math.min(b.y0, y); b.x1 = Math.max(b.x1, x); b.y1 = Math.max(b.y1, y);
                }
              }
            }
            return b;
          };
          return { size: c.width, dot: box((r, g, b) => r > 180 && g < 100 && b < 100), name: box((r, g, b) => r < 80 && g < 80 && b < 80) };
        }
        """;

    private async Task<IPage> OpenPageAsync(string query)
    {
        var page = await Browser.NewPageAsync();
        var response = await page.GotoAsync($"http://127.0.0.1:{Host.Port}/{query}");
        Assert.That(response?.Status, Is.EqualTo(200));
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("open");
        return page;
    }
}
