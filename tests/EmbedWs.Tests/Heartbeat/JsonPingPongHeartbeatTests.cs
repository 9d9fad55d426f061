using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading;
using EmbedWs.Routing;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;
using Microsoft.Extensions.Time.Testing;
using HB = EmbedWs.HeartbeatPolicy;

namespace EmbedWs.Tests.Heartbeat;

/// <summary>JSON ping/pong (DESIGN §6) on fake time, for clients that cannot see protocol pings.</summary>
public class JsonPingPongHeartbeatTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    [Test]
    public async Task JsonPingPong_SilenceForInterval_SendsJsonPingAndPongSetsRoundTripTime()
    {
        var time = new FakeTimeProvider();
        var messages = new ConcurrentQueue<WsMessage>();
        var binary = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await FakeTimeServer.StartAsync(time, HB.JsonPingPong(Interval, Timeout), s => s.OnMessage += (c, m) =>
        {
            messages.Enqueue(new WsMessage(m.Type, m.ToArray()));
            if (!m.IsText)
            {
                binary.TrySetResult();
            }
        });
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        time.AdvanceInSteps(Interval, Tick);
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"ping\",\"id\":1}"));

        time.Advance(TimeSpan.FromMilliseconds(250));
        await client.SendTextAsync("{\"type\":\"pong\",\"id\":1}");
        await Poll.UntilAsync(() => connection.RoundTripTime is not null, "the JSON pong should set RoundTripTime");
        Assert.That(connection.RoundTripTime, Is.EqualTo(TimeSpan.FromMilliseconds(250)));

        // Past where an unanswered ping would have timed out: still open.
        time.AdvanceInSteps(TimeSpan.FromSeconds(3), Tick);
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));

        // A barrier: once this binary message is handled, the pong would have been handled before it.
        await client.SendBinaryAsync(new byte[] { 7 });
        await binary.Task.WaitAsync(JsonClient.Timeout);
        Assert.That(messages, Has.Count.EqualTo(1), "the pong must not reach OnMessage");
    }

    [Test]
    public async Task JsonPingPong_ClientPing_AnsweredWithPongAndNeverReachesHandlers()
    {
        var time = new FakeTimeProvider();
        var texts = new ConcurrentQueue<string>();
        var routed = 0;
        var binary = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await FakeTimeServer.StartAsync(time, HB.JsonPingPong(Interval, Timeout), s =>
        {
            s.Route<object>("other", (c, d) => Interlocked.Increment(ref routed));
            s.Options.UnroutedTextToOnMessage = true;
            s.OnMessage += (c, m) =>
            {
                if (m.IsText)
                {
                    texts.Enqueue(m.Text);
                }
                else
                {
                    binary.TrySetResult();
                }
            };
        });
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"ping\",\"id\":5}");

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"pong\",\"id\":5}"));
        await client.SendBinaryAsync(new byte[] { 1 });
        await binary.Task.WaitAsync(JsonClient.Timeout);
        Assert.That(texts, Is.Empty, "the ping must not reach OnMessage");
        Assert.That(Volatile.Read(ref routed), Is.Zero, "the ping must not reach the router");
    }

    [Test]
    public async Task JsonPingPong_NoPong_ClosesWithCauseHeartbeatTimeout()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeTimeServer.StartAsync(time, HB.JsonPingPong(Interval, Timeout));
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        time.AdvanceInSteps(Interval, Tick);
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"ping\",\"id\":1}"));
        time.AdvanceInSteps(TimeSpan.FromSeconds(1.5), Tick);
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
        time.AdvanceInSteps(TimeSpan.FromSeconds(0.5), Tick);

        await server.AssertHeartbeatTimeoutAsync(client, connection);
    }

    [Test]
    public async Task JsonPingPong_QueuedServerNeverPumped_ClientPingStillAnswered()
    {
        var time = new FakeTimeProvider();
        await using var server = await RecordingServer.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.Heartbeat = HB.JsonPingPong(Interval, Timeout);
            o.Dispatch = EventDispatch.Queued;
        });
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"ping\",\"id\":\"p1\"}");

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"pong\",\"id\":\"p1\"}"));
        Assert.That(server.Server.PendingEvents, Is.EqualTo(1), "only the connect waits for PumpEvents");
    }
}
