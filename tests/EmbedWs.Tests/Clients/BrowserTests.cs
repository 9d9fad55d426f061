using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
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
        await Assertions.Expect(other.Locator("#nick")).ToHaveValueAsync("guest2");
        await ann.CloseAsync();
        await other.CloseAsync();
    }

    [Test]
    public async Task ChatMode_RefusedNickOrRoom_ShowsTheErrorAndPutsBackWhatTheServerKept()
    {
        await using var server = await StartHostAsync(HostMode.Chat);
        var page = await OpenChatPageAsync(server);
        await page.Locator("#nick").FillAsync("ann");
        await page.Locator("#setnick").ClickAsync();
        await Assertions.Expect(page.Locator("#log .msg").Last).ToHaveTextAsync("* guest1 is now ann");

        await page.Locator("#nick").FillAsync("");
        await page.Locator("#setnick").ClickAsync();
        await Assertions.Expect(page.Locator("#log .msg.error")).ToHaveTextAsync(new Regex("^! invalid_name: A name is 1 to 24 "));
        await Assertions.Expect(page.Locator("#nick")).ToHaveValueAsync("ann");
        await page.Locator("#nick").FillAsync("guest7");
        await page.Locator("#setnick").ClickAsync();
        await Assertions.Expect(page.Locator("#log .msg.error").Last).ToHaveTextAsync("! invalid_name: Names like guest<number> are kept for new connections.");
        await Assertions.Expect(page.Locator("#nick")).ToHaveValueAsync("ann");
        await page.Locator("#room").FillAsync("no spaces");
        await page.Locator("#join").ClickAsync();
        await Assertions.Expect(page.Locator("#log .msg.error").Last).ToHaveTextAsync(new Regex("^! invalid_room: "));
        await Assertions.Expect(page.Locator("#room")).ToHaveValueAsync("lobby");
        await page.CloseAsync();
    }

    [Test]
    public async Task ChatMode_MessageOverTheTextLimit_ShowsTheErrorAndGivesTheTextBack()
    {
        await using var server = await StartHostAsync(HostMode.Chat);
        var page = await OpenChatPageAsync(server);
        string tooLong = new string('x', 1001);

        await SendFromPageAsync(page, tooLong);

        await Assertions.Expect(page.Locator("#log .msg.error")).ToHaveTextAsync("! invalid_text: A message is 1 to 1000 characters.");
        await Assertions.Expect(page.Locator("#msg")).ToHaveValueAsync(tooLong);
        await SendFromPageAsync(page, new string('y', 1000));
        await Assertions.Expect(page.Locator("#log .msg")).ToHaveTextAsync(new[]
        {
            "* guest1 joined lobby", "! invalid_text: A message is 1 to 1000 characters.", "guest1: " + new string('y', 1000),
        });
        await Assertions.Expect(page.Locator("#msg")).ToHaveValueAsync("");
        await page.CloseAsync();
    }

    [Test]
    public async Task ChatMode_MessageOverMaxMessageSize_ShowsTheCloseThenReconnectsWithTheNick()
    {
        await using var server = await StartHostAsync(HostMode.Chat, configure: o => o.MaxMessageSize = 4096);
        var page = await OpenChatPageAsync(server);
        await page.Locator("#nick").FillAsync("ann");
        await page.Locator("#setnick").ClickAsync();
        await Assertions.Expect(page.Locator("#log .msg").Last).ToHaveTextAsync("* guest1 is now ann");
        // Replies come in request order: one more answered request means the page has its
        // nick.set reply (and wants "ann" back after a reconnect).
        await page.EvaluateAsync("() => client.request('room.list')");

        await SendFromPageAsync(page, new string('z', 5000));

        await Assertions.Expect(page.Locator("#log .msg.error").First).ToHaveTextAsync("disconnected: message too big (1009); reconnecting");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("open");
        await Assertions.Expect(page.Locator("#log .msg").Last).ToHaveTextAsync("* guest2 is now ann");
        await Assertions.Expect(page.Locator("#nick")).ToHaveValueAsync("ann");
        await Assertions.Expect(page.Locator("#log .msg.error")).ToHaveTextAsync(new[]
        {
            "disconnected: message too big (1009); reconnecting", "! closed: connection closed",
        });
        await page.CloseAsync();
    }

    [Test]
    public async Task ChatMode_NickStillTakenAfterAReconnect_IsTakenBackOnceFree()
    {
        await using var server = await StartHostAsync(HostMode.Chat);
        var page = await Browser.NewPageAsync();
        // The page's WebSockets reach the server through Playwright: the second one (the
        // reconnect) only once the gate opens, so that another client can hold the nick first.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int sockets = 0;
        await page.RouteWebSocketAsync(new Regex("/ws$"), async route =>
        {
            if (Interlocked.Increment(ref sockets) > 1)
            {
                await gate.Task;
            }

            route.ConnectToServer();
        });
        await page.GotoAsync($"http://127.0.0.1:{server.Port}/");
        await Assertions.Expect(page.Locator("#log .msg").First).ToHaveTextAsync("* guest1 joined lobby");
        await page.Locator("#nick").FillAsync("ann");
        await page.Locator("#setnick").ClickAsync();
        await Assertions.Expect(page.Locator("#log .msg").Last).ToHaveTextAsync("* guest1 is now ann");
        await page.EvaluateAsync("() => client.request('room.list')"); // the nick.set reply is in

        await page.EvaluateAsync("() => client.socket.close()"); // dropped: the client reconnects
        await Poll.UntilAsync(() => server.ConnectionCount == 0, "the server sees the page's connection go");
        using var bob = await JsonClient.ConnectAsync(server.Port);
        await bob.SendTextAsync("""{"type":"nick.set","id":1,"data":{"name":"ann"}}""");
        while ((int?)(await bob.ReceiveJsonAsync())["id"] != 1)
        {
            // chat.welcome, then notices
        }

        gate.SetResult();
        await Assertions.Expect(page.Locator("#log .msg.notice").Last).ToHaveTextAsync("* ann is still taken; trying again in a second");
        await bob.CloseAsync();

        await Assertions.Expect(page.Locator("#log .msg").Last).ToHaveTextAsync("* guest3 is now ann");
        await Assertions.Expect(page.Locator("#nick")).ToHaveValueAsync("ann");
        await Assertions.Expect(page.Locator("#log .msg.error")).ToHaveTextAsync(new[] { "disconnected: closed (1005); reconnecting" });
        await page.CloseAsync();
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
