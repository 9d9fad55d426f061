using EmbedWs.Tests.Clients;
using Microsoft.Playwright;

namespace EmbedWs.Tests.AspNetCore;

/// <summary>
/// Clients no one here wrote against the ASP.NET Core sample, page and sockets on one Kestrel
/// port: headless Chromium signs in, loads the page and chats over /chat; Node's ws client runs
/// its echo checks against /echo.
/// </summary>
public class SampleClientsTests : ChromiumTest
{
    private static readonly TimeSpan s_processTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Chromium_SignsInLoadsThePageAndChatsOnTheSamePort()
    {
        await using var sample = await SampleApps.StartAsync();
        var page = await Browser.NewPageAsync();

        var response = await page.GotoAsync($"http://127.0.0.1:{sample.Port}/login?name=carol");

        Assert.That(response?.Status, Is.EqualTo(200));
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("open");
        await Assertions.Expect(page.Locator("#user")).ToHaveTextAsync("carol");
        await page.FillAsync("#text", "hello from chromium");
        await page.ClickAsync("#send");
        await Assertions.Expect(page.Locator("#log")).ToContainTextAsync("carol: hello from chromium");
        await page.CloseAsync();
    }

    [Test]
    public async Task Chromium_NotSignedIn_PageAsksForSignInAndOpensNoSocket()
    {
        await using var sample = await SampleApps.StartAsync();
        var page = await Browser.NewPageAsync();

        await page.GotoAsync($"http://127.0.0.1:{sample.Port}/");

        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("sign in first");
        Assert.That(sample.Server.ConnectionCount, Is.Zero);
        await page.CloseAsync();
    }

    [Test]
    public async Task NodeWs_EchoEndpoint_GetsEveryMessageBackAndClosesWith4001()
    {
        string node = NodeWsClientTests.FindNode();
        await using var sample = await SampleApps.StartAsync();

        using var client = ChildProcess.Start(node, NodeWsClientTests.NodeDir, "ws-client.js", $"ws://127.0.0.1:{sample.Port}/echo");
        int exitCode = await client.WaitForExitAsync(s_processTimeout);

        Assert.That(exitCode, Is.EqualTo(0), client.Output);
        Assert.That(client.StandardOutput, Does.Contain("\"ok\":true"), client.Output);
    }
}
