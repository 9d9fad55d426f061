using System.Collections.Concurrent;
using System.Net;
using System.Threading;
using EmbedWs.Samples.ConsoleHost;
using EmbedWs.Samples.GameLoop;
using EmbedWs.Samples.Hosting;
using EmbedWs.Tests.Clients;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;

namespace EmbedWs.Tests.Samples;

/// <summary>
/// Every sample's page loads in headless Chromium with nothing in the browser's console: no
/// error, in particular no 404 for a /favicon.ico the servers do not have.
/// </summary>
public class SamplePagesBrowserTests : ChromiumTest
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [TestCase(HostMode.Chat)] // chat.html
    [TestCase(HostMode.Echo)] // index.html
    public async Task ConsoleHostPage_LoadsWithNoConsoleError(HostMode mode)
    {
        await using var server = await StartHostAsync(mode);

        await AssertNoConsoleErrorAsync(server.Port, "/", "#status", "open");
    }

    [Test]
    public async Task GameLoopPage_LoadsWithNoConsoleError()
    {
        await using var host = GameHost.Create(new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) });
        await host.StartAsync().WaitAsync(s_timeout);

        await AssertNoConsoleErrorAsync(host.Port, "/", "#status", "open");
    }

    [Test]
    public async Task HostingSamplePage_LoadsWithNoConsoleError()
    {
        var host = SampleHost.Create(new[] { "--EmbedWs:Url=ws://127.0.0.1:0" });
        using var cts = new CancellationTokenSource(s_timeout);
        await host.StartAsync(cts.Token);
        try
        {
            int port = host.Services.GetRequiredService<WsServer>().Port;

            await AssertNoConsoleErrorAsync(port, "/", "#status", "connected");
        }
        finally
        {
            await host.StopAsync(cts.Token).WaitAsync(s_timeout);
            await ((IAsyncDisposable)host).DisposeAsync();
        }
    }

    // Opens the page, waits for its WebSocket (the status text) and for the network to go quiet
    // (the browser asks for a favicon after the load), then checks the console.
    private async Task AssertNoConsoleErrorAsync(int port, string path, string status, string open)
    {
        var page = await Browser.NewPageAsync();
        var errors = new ConcurrentQueue<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error" || m.Type == "warning")
            {
                errors.Enqueue($"{m.Type}: {m.Text} ({m.Location})");
            }
        };
        page.PageError += (_, e) => errors.Enqueue("page error: " + e);

        var response = await page.GotoAsync($"http://127.0.0.1:{port}{path}");
        Assert.That(response?.Status, Is.EqualTo(200));
        await Assertions.Expect(page.Locator(status)).ToHaveTextAsync(open);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.That(errors, Is.Empty);
        await page.CloseAsync();
    }
}
