using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.WebSockets;
using System.Threading;
using EmbedWs.Samples.GameLoop;
using EmbedWs.Tests.TestSupport;
using static EmbedWs.Tests.Samples.GameMessageReader;

namespace EmbedWs.Tests.Samples;

/// <summary>
/// The game loop sample in process, on loopback at 50 ticks/s, driven by ClientWebSocket
/// players: handlers on the loop's thread, moves seen by others, ticks, leaving, stopping.
/// Nothing sleeps: each step waits for the broadcast that shows it, with a timeout.
/// </summary>
public class GameHostTests
{
    private const int TickRate = 50;
    private static readonly TimeSpan s_timeout = GameMessageReader.Timeout;

    private GameHost _host = null!;
    private readonly List<JsonClient> _clients = new();

    [SetUp]
    public async Task SetUp()
    {
        var options = new WsServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            StopTimeout = TimeSpan.FromSeconds(3),
        };
        _host = GameHost.Create(options, TickRate, TestContext.Progress, seed: 42);
        await _host.StartAsync().WaitAsync(s_timeout);
    }

    [TearDown]
    public async Task TearDown()
    {
        // Drop the clients first, so that stopping does not wait for closes nobody reads.
        foreach (var c in _clients)
        {
            c.Dispose();
        }

        await _host.StopAsync().WaitAsync(s_timeout);
    }

    [Test]
    public async Task Hello_Reply_NamesTheGameLoopThread()
    {
        var ann = await ConnectAsync();

        var reply = await HelloAsync(ann, "ann");

        Assert.That((string?)reply["thread"], Is.EqualTo(GameHost.LoopThreadName));
        Assert.That((string?)reply["name"], Is.EqualTo("ann"));
        Assert.That((long)reply["id"]!, Is.GreaterThan(0));
    }

    [Test]
    public async Task World_Broadcast_HasTickAndEveryPlayerOnTheField()
    {
        var ann = await ConnectAsync();
        long id = (long)(await HelloAsync(ann, "ann"))["id"]!;

        var world = await WorldWhereAsync(ann, w => Player(w, id) is not null, "ann in the world");

        Assert.That(world.Properties().Select(p => p.Name), Is.EqualTo(new[] { "tick", "players" }));
        var me = Player(world, id)!;
        Assert.That(me.Properties().Select(p => p.Name), Is.EquivalentTo(new[] { "id", "name", "x", "y" }));
        Assert.That((string?)me["name"], Is.EqualTo("ann"));
        Assert.That(X(me), Is.InRange(0, World.Size));
        Assert.That(Y(me), Is.InRange(0, World.Size));
    }

    [Test]
    public async Task World_Ticks_Increase()
    {
        var ann = await ConnectAsync();
        long first = Tick(await WorldWhereAsync(ann, _ => true, "a first world"));

        long last = first;
        for (int i = 0; i < 5; i++)
        {
            long tick = Tick(await WorldWhereAsync(ann, _ => true, "another world"));
            Assert.That(tick, Is.GreaterThan(last), "each broadcast is from a later tick");
            last = tick;
        }

        Assert.That(_host.Tick, Is.GreaterThanOrEqualTo(last));
    }

    [Test]
    public async Task Move_FromOnePlayer_IsSeenByTheOther()
    {
        var ann = await ConnectAsync();
        var bob = await ConnectAsync();
        long annId = (long)(await HelloAsync(ann, "ann"))["id"]!;
        var before = Player(await WorldWhereAsync(bob, w => Player(w, annId) is not null, "ann in bob's world"), annId)!;
        double x0 = X(before), y0 = Y(before);

        // Toward the middle, so the edge of the field cannot stop her.
        int direction = x0 < World.Size / 2 ? 1 : -1;
        await ann.SendTextAsync($"{{\"type\":\"move\",\"data\":{{\"dx\":{direction * World.MaxSpeed},\"dy\":0}}}}");

        var after = Player(
            await WorldWhereAsync(bob, w => Player(w, annId) is { } p && (X(p) - x0) * direction >= 1, "ann moved in bob's world"),
            annId)!;
        Assert.That(Y(after), Is.EqualTo(y0), "she moves along x only");
    }

    [Test]
    public async Task Close_OfOnePlayer_DropsThePlayerCount()
    {
        var ann = await ConnectAsync();
        var bob = await ConnectAsync();
        long annId = (long)(await HelloAsync(ann, "ann"))["id"]!;
        await WorldWhereAsync(bob, w => Players(w).Count == 2, "both players in bob's world");

        await ann.CloseAsync(); // ClientWebSocket drops the world broadcasts that cross its close

        var world = await WorldWhereAsync(bob, w => Players(w).Count == 1, "one player left in bob's world");
        Assert.That(Player(world, annId), Is.Null);
        await Poll.UntilAsync(() => _host.PlayerCount == 1, "the host counts one player");
    }

    [Test]
    public async Task Handlers_AllRunOnTheGameLoopThread()
    {
        var ann = await ConnectAsync();
        var bob = await ConnectAsync();
        await HelloAsync(ann, "ann");
        await HelloAsync(bob, "bob");
        await ann.SendTextAsync("{\"type\":\"move\",\"data\":{\"dx\":1,\"dy\":1}}");
        await ann.CloseAsync(); // ClientWebSocket drops the world broadcasts that cross its close
        await WorldWhereAsync(bob, w => Players(w).Count == 1, "ann gone from bob's world");

        // 2 connects, 2 hellos, 1 move, 1 close: the close ran before the world without ann.
        Assert.That(_host.HandlerCalls, Is.GreaterThanOrEqualTo(6));
        Assert.That(_host.OffThreadHandlerCalls, Is.Zero);
    }

    [Test]
    public async Task Stop_ClosesPlayersWith1001_RunsTheirCloseOnTheLoop_AndEndsIt()
    {
        var ann = await ConnectAsync();
        await WorldWhereAsync(ann, w => Players(w).Count == 1, "ann in the world");

        var stopping = _host.StopAsync();
        var (status, reason) = await ReceiveCloseAsync(ann);
        await stopping.WaitAsync(s_timeout);

        Assert.That(status, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        Assert.That(reason, Is.EqualTo("server stopping"));
        Assert.That(await _host.LoopEnded.WaitAsync(s_timeout), Is.Null, "the loop ended without an exception");
        Assert.That(_host.PlayerCount, Is.Zero, "the last pump ran ann's close handler");
        Assert.That(_host.HandlerCalls, Is.EqualTo(2), "connect and close");
        Assert.That(_host.OffThreadHandlerCalls, Is.Zero);
    }

    private async Task<JsonClient> ConnectAsync()
    {
        var client = await JsonClient.ConnectAsync(_host.Port).WaitAsync(s_timeout);
        _clients.Add(client);
        return client;
    }

    // Skips the world broadcasts still queued ahead of the server's close frame, then answers it.
    private static async Task<(WebSocketCloseStatus? Status, string? Reason)> ReceiveCloseAsync(JsonClient client)
    {
        using var cts = new CancellationTokenSource(s_timeout);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var r = await client.Socket.ReceiveAsync(buffer, cts.Token);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
                return (r.CloseStatus, r.CloseStatusDescription);
            }
        }
    }
}
