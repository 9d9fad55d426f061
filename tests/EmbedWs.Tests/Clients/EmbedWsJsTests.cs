using System.Linq;
using System.Text.Json;
using EmbedWs.Samples.ConsoleHost;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;
using Microsoft.Playwright;

namespace EmbedWs.Tests.Clients;

/// <summary>
/// The browser client embedws.js in headless Chromium, through the chat page (which exposes its
/// client as <c>window.client</c>): request/reply, pushes, error replies, JSON heartbeat and
/// reconnecting after the server restarts.
/// </summary>
public class EmbedWsJsTests : ChromiumTest
{
    [Test]
    public async Task Request_RoomList_ResolvesWithTheReplysData()
    {
        await using var server = await StartHostAsync(HostMode.Chat);
        var page = await OpenPageAsync(server);

        // JSON.stringify in the page: Playwright adds "$id" to the objects it hands back.
        string reply = await page.EvaluateAsync<string>("() => client.request('room.list').then(JSON.stringify)");

        Assert.That(reply, Is.EqualTo("""{"rooms":[{"name":"lobby","count":1}]}"""));
        await page.CloseAsync();
    }

    [Test]
    public async Task Push_ChatSendFromOneClient_ReachesTheOthersHandler()
    {
        await using var server = await StartHostAsync(HostMode.Chat);
        var sender = await OpenChatPageAsync(server);
        var receiver = await OpenChatPageAsync(server);
        await receiver.EvaluateAsync("() => { window.got = new Promise(r => client.on('chat.message', (data, envelope) => r({ data, envelope }))); }");

        await sender.EvaluateAsync("() => client.send('chat.send', { text: 'pushed' })");
        string got = await receiver.EvaluateAsync<string>("() => window.got.then(JSON.stringify)");

        Assert.That(got, Is.EqualTo("""{"data":{"from":"guest1","room":"lobby","text":"pushed"},"envelope":{"type":"chat.message","data":{"from":"guest1","room":"lobby","text":"pushed"}}}"""));
        await sender.CloseAsync();
        await receiver.CloseAsync();
    }

    [Test]
    public async Task ErrorReply_NickSetWithEmptyName_RejectsWithTheServersCode()
    {
        await using var server = await StartHostAsync(HostMode.Chat);
        var page = await OpenPageAsync(server);

        var rejected = await page.EvaluateAsync<JsonElement>(
            "() => client.request('nick.set', { name: '' }).then(() => null, e => ({ code: e.code, isError: e instanceof Error, message: e.message }))");
        var unknown = await page.EvaluateAsync<string>("() => client.request('no.such.type').then(() => 'resolved', e => e.code)");

        Assert.That(rejected.GetProperty("code").GetString(), Is.EqualTo("invalid_name"));
        Assert.That(rejected.GetProperty("isError").GetBoolean(), Is.True);
        Assert.That(rejected.GetProperty("message").GetString(), Does.StartWith("A name is 1 to 24"));
        Assert.That(unknown, Is.EqualTo("unknown_type"));
        Assert.That(await page.EvaluateAsync<string>("() => client.request('nick.set', { name: 'ann' }).then(r => r.name)"), Is.EqualTo("ann"));
        await page.CloseAsync();
    }

    [Test]
    public async Task JsonHeartbeat_ClientAnswersEveryPing_ConnectionOutlivesManyIntervals()
    {
        await using var server = await StartHostWithFastJsonHeartbeatAsync(HostMode.Chat);
        var (page, pongs, connection) = await OpenPageCountingPongsAsync(server);

        // Four answered pings: four intervals of silence, well past interval + timeout (0.8 s).
        await Poll.UntilAsync(() => pongs() >= 4 && connection.RoundTripTime is not null, "the page answers the server's JSON pings");

        Assert.That(server.Connections.Select(c => c.Id), Is.EqualTo(new[] { connection.Id }), "still the first connection");
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
        Assert.That(await page.EvaluateAsync<string>("() => client.state"), Is.EqualTo("open"));
        Assert.That(await page.Locator("#log .msg").AllTextContentsAsync(), Is.EqualTo(new[] { "* guest1 joined lobby" }), "pings never reach the page's handlers");
        await page.CloseAsync();
    }

    [Test]
    public async Task Reconnect_ServerRestartsOnTheSamePort_ClientReconnectsAndTakesBackItsNick()
    {
        await using var first = await StartHostAsync(HostMode.Chat);
        int port = first.Port;
        var page = await OpenChatPageAsync(first);
        await page.EvaluateAsync("() => { window.states = []; client.on(':state', s => states.push(s)); }");
        await page.Locator("#nick").FillAsync("ann");
        await page.Locator("#setnick").ClickAsync();
        await Assertions.Expect(page.Locator("#log .msg").Last).ToHaveTextAsync("* guest1 is now ann");

        // The notice can arrive before the nick.set reply; replies come in request order, so
        // one more answered request means the page has its nick.set reply (and wants "ann").
        await page.EvaluateAsync("() => client.request('room.list')");
        await first.StopAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("reconnecting");
        await using var second = await StartHostAsync(HostMode.Chat, port);

        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("open");
        string reply = await page.EvaluateAsync<string>("() => client.request('room.list').then(JSON.stringify)");
        Assert.That(reply, Is.EqualTo("""{"rooms":[{"name":"lobby","count":1}]}"""));
        Assert.That(await page.EvaluateAsync<string[]>("() => states"), Is.EqualTo(new[] { "reconnecting", "open" }));
        await Assertions.Expect(page.Locator("#nick")).ToHaveValueAsync("ann"); // the page asked for it again
        await page.CloseAsync();
    }
}
