using System.Linq;
using EmbedWs.Samples.ConsoleHost;
using EmbedWs.Tests.TestSupport;
using Microsoft.Playwright;

namespace EmbedWs.Tests.Clients;

/// <summary>
/// Headless Chromium loads the console host's pages, which open a WebSocket back to the server:
/// the browser's own WebSocket client. The chat page's client, embedws.js, has its own fixture
/// (<see cref="EmbedWsJsTests"/>).
/// </summary>
public class BrowserTests : ChromiumTest
{
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
    public async Task EchoMode_JsonHeartbeat_PageAnswersPingsAndShowsNone()
    {
        await using var server = await StartHostWithFastJsonHeartbeatAsync(HostMode.Echo);
        var (page, pongs, connection) = await OpenPageCountingPongsAsync(server);

        await Poll.UntilAsync(() => pongs() >= 4 && connection.RoundTripTime is not null, "the page answers the server's JSON pings");
        await SendFromPageAsync(page, "still here");

        await Assertions.Expect(page.Locator("#log .msg")).ToHaveTextAsync(new[] { "still here" });
        Assert.That(server.Connections.Single().Id, Is.EqualTo(connection.Id));
        await page.CloseAsync();
    }

    [Test]
    public async Task ChatMode_MessageTypedInOnePage_AppearsInTheOther()
    {
        await using var server = await StartHostAsync(HostMode.Chat);
        // One at a time, so the first page is guest1 and the second guest2.
        var first = await OpenChatPageAsync(server);
        var second = await OpenChatPageAsync(server);

        await SendFromPageAsync(first, "hello from page 1");

        await Assertions.Expect(second.Locator("#log .msg")).ToHaveTextAsync(new[] { "* guest2 joined lobby", "guest1: hello from page 1" });
        await Assertions.Expect(second.Locator("#rooms li")).ToHaveTextAsync(new[] { "lobby (2)" });
        await second.CloseAsync();
        await Assertions.Expect(first.Locator("#log .msg")).ToHaveTextAsync(
            new[] { "* guest1 joined lobby", "* guest2 joined lobby", "guest1: hello from page 1", "* guest2 left lobby" });
        await first.CloseAsync();
    }

    [Test]
    public async Task ChatMode_NickAndRoomSetInThePage_AreAnnouncedAndATakenNickIsRefused()
    {
        await using var server = await StartHostAsync(HostMode.Chat);
        var ann = await OpenChatPageAsync(server);
        var other = await OpenChatPageAsync(server);

        await ann.Locator("#nick").FillAsync("ann");
        await ann.Locator("#setnick").ClickAsync();
        await Assertions.Expect(other.Locator("#log .msg").Last).ToHaveTextAsync("* guest1 is now ann");
        await ann.Locator("#room").FillAsync("Games");
        await ann.Locator("#join").ClickAsync();

        await Assertions.Expect(other.Locator("#log .msg").Last).ToHaveTextAsync("* ann left lobby");
        await Assertions.Expect(ann.Locator("#log .msg").Last).ToHaveTextAsync("* ann joined games");
        await Assertions.Expect(ann.Locator("#rooms li")).ToHaveTextAsync(new[] { "games (1)", "lobby (1)" });
        await other.Locator("#nick").FillAsync("ANN");
        await other.Locator("#setnick").ClickAsync();
        await Assertions.Expect(other.Locator("#log .msg.error")).ToHaveTextAsync("! name_taken: 'ANN' is taken.");
        await ann.CloseAsync();
        await other.CloseAsync();
    }

    [Test]
    public async Task ClientScript_IsServedAsJavaScript_AndRootServesTheModesPage()
    {
        await using var chat = await StartHostAsync(HostMode.Chat);
        await using var echo = await StartHostAsync(HostMode.Echo);
        var page = await Browser.NewPageAsync();

        var script = await page.GotoAsync($"http://127.0.0.1:{chat.Port}/embedws.js");
        Assert.That(script?.Status, Is.EqualTo(200));
        Assert.That(script!.Headers["content-type"], Does.StartWith("text/javascript"));
        Assert.That(await script.TextAsync(), Does.Contain("class EmbedWs"));
        await page.GotoAsync($"http://127.0.0.1:{chat.Port}/");
        await Assertions.Expect(page).ToHaveTitleAsync("EmbedWs chat");
        await page.GotoAsync($"http://127.0.0.1:{echo.Port}/");
        await Assertions.Expect(page).ToHaveTitleAsync("EmbedWs console host");
        await page.CloseAsync();
    }

    [Test]
    public async Task Page_OtherPath_Is404()
    {
        await using var server = await StartHostAsync(HostMode.Echo);
        var page = await Browser.NewPageAsync();

        var response = await page.GotoAsync($"http://127.0.0.1:{server.Port}/missing");

        Assert.That(response?.Status, Is.EqualTo(404));
        await page.CloseAsync();
    }
}
