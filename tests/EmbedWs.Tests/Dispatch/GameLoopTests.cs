using System.Diagnostics;
using System.Net.WebSockets;
using System.Threading;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Dispatch;

/// <summary>
/// What a game loop needs of the server: PumpEvents with a time budget per frame, and a
/// synchronous Stop bounded in time for callbacks that cannot await (application quit).
/// </summary>
public class GameLoopTests
{
    [Test]
    public async Task PumpEvents_Budget_StopsBetweenEventsOnceSpent()
    {
        // Each handler takes 30 ms of the loop's time (work, not a wait for something).
        int handled = 0;
        await using var server = await TestServer.StartAsync(o => o.Dispatch = EventDispatch.Queued, s => s.OnMessage += (c, m) =>
        {
            handled++;
            Thread.Sleep(30);
        });
        using var client = await JsonClient.ConnectAsync(server.Port);
        for (int i = 0; i < 6; i++)
        {
            await client.SendTextAsync("m" + i);
        }

        await Poll.UntilAsync(() => server.Server.PendingEvents == 7, "connect and six messages should be waiting");

        int ran = server.Server.PumpEvents(TimeSpan.FromMilliseconds(45));

        Assert.That(ran, Is.InRange(2, 4), "the connect, then messages until 45 ms are spent");
        Assert.That(handled, Is.EqualTo(ran - 1));
        server.Server.PumpEvents(TimeSpan.FromSeconds(10));
        Assert.That(handled, Is.EqualTo(6), "a large budget runs what is left");
    }

    [Test]
    public async Task PumpEvents_ZeroBudget_RunsOneEvent()
    {
        await using var server = await TestServer.StartAsync(o => o.Dispatch = EventDispatch.Queued, s => s.OnMessage += (c, m) => { });
        using var client = await JsonClient.ConnectAsync(server.Port);
        await client.SendTextAsync("a");
        await Poll.UntilAsync(() => server.Server.PendingEvents == 2, "connect and one message should be waiting");

        Assert.That(server.Server.PumpEvents(TimeSpan.Zero), Is.EqualTo(1), "each call makes progress");
        Assert.That(server.Server.PendingEvents, Is.EqualTo(1));
    }

    [Test]
    public async Task PumpEvents_NegativeBudget_Refused()
    {
        await using var server = await TestServer.StartAsync(o => o.Dispatch = EventDispatch.Queued);

        Assert.Throws<ArgumentOutOfRangeException>(() => server.Server.PumpEvents(TimeSpan.FromMilliseconds(-1)));
    }

    [Test]
    public async Task Stop_FromThePumpingThread_Closes1001_ThenPumpRunsOnClose()
    {
        WsCloseInfo? closed = null;
        var server = await TestServer.StartAsync(o => o.Dispatch = EventDispatch.Queued, s => s.OnClose += (c, close) => closed = close);
        using var client = await JsonClient.ConnectAsync(server.Port);
        await Poll.UntilAsync(() => server.Server.PendingEvents == 1, "the connect should be waiting");
        server.Server.PumpEvents();

        // The client answers the close while Stop waits, as ClientWebSocket does while receiving.
        var receiving = client.ReceiveCloseAsync();
        Assert.That(server.Server.Stop(TimeSpan.FromSeconds(10)), Is.True);

        Assert.That((await receiving).Status, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        Assert.That(closed, Is.Null, "OnClose waits for the pump");
        server.Server.PumpEvents();
        Assert.That(closed?.Code, Is.EqualTo(WsCloseCodes.GoingAway));
        await server.DisposeAsync();
    }

    [Test]
    public async Task Stop_ClientNeverAnswersTheClose_ReturnsWithinTheTimeoutAndAboutASecond()
    {
        await using var server = await TestServer.StartAsync(o => o.Dispatch = EventDispatch.Queued);
        await using var silent = await RawClient.OpenAsync(server.Port);
        await Poll.UntilAsync(() => server.Server.ConnectionCount == 1, "the client should be connected");

        var clock = Stopwatch.StartNew();
        bool stopped = server.Server.Stop(TimeSpan.FromMilliseconds(200));

        Assert.That(stopped, Is.True);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "bounded: the timeout, then the drop");
        Assert.That((await silent.ReadCloseAsync()).Code, Is.EqualTo(WsCloseCodes.GoingAway));
        Assert.That(server.Server.ConnectionCount, Is.Zero);
    }
}
