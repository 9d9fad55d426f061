using System.Net.WebSockets;
using System.Threading;
using EmbedWs.Heartbeat;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace EmbedWs.Tests.Heartbeat;

/// <summary>The server's one shared tick, driving a substitute heartbeat policy on fake time (DESIGN §6).</summary>
public class HeartbeatTickTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Test]
    public async Task Tick_ThreeIntervals_CallsOnTickThreeTimesForEachOpenConnection()
    {
        var time = new FakeTimeProvider();
        var policy = Policy();
        await using var server = await FakeTimeServer.StartAsync(time, policy);
        using var a = await JsonClient.ConnectAsync(server.Port);
        var first = await server.NextConnectionAsync();
        using var b = await JsonClient.ConnectAsync(server.Port);
        var second = await server.NextConnectionAsync();

        time.AdvanceInSteps(TimeSpan.FromSeconds(3), Second);

        policy.Received(3).OnTick(Arg.Is<HeartbeatPeer>(p => p.Connection == first));
        policy.Received(3).OnTick(Arg.Is<HeartbeatPeer>(p => p.Connection == second));
        policy.Received(6).OnTick(Arg.Is<HeartbeatPeer>(p => p.Time == time));
    }

    [Test]
    public async Task Tick_ClosedConnection_IsNotTicked()
    {
        var time = new FakeTimeProvider();
        var policy = Policy();
        await using var server = await FakeTimeServer.StartAsync(time, policy);
        var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        await client.CloseAsync();
        client.Dispose();
        await server.CloseOfAsync(connection);

        time.AdvanceInSteps(TimeSpan.FromSeconds(3), Second);

        policy.DidNotReceive().OnTick(Arg.Any<HeartbeatPeer>());
    }

    [Test]
    public async Task Tick_OnTickThrows_TicksGoOnAndConnectionsStayOpen()
    {
        var time = new FakeTimeProvider();
        var policy = Policy();
        policy.When(p => p.OnTick(Arg.Any<HeartbeatPeer>())).Do(_ => throw new InvalidOperationException("policy bug"));
        await using var server = await FakeTimeServer.StartAsync(time, policy, s => s.OnMessage += RecordingServer.Echo);
        using var a = await JsonClient.ConnectAsync(server.Port);
        var first = await server.NextConnectionAsync();
        using var b = await JsonClient.ConnectAsync(server.Port);
        var second = await server.NextConnectionAsync();

        time.AdvanceInSteps(TimeSpan.FromSeconds(3), Second);

        policy.Received(3).OnTick(Arg.Is<HeartbeatPeer>(p => p.Connection == first));
        policy.Received(3).OnTick(Arg.Is<HeartbeatPeer>(p => p.Connection == second));
        Assert.That(first.State, Is.EqualTo(WsConnectionState.Open));
        Assert.That(second.State, Is.EqualTo(WsConnectionState.Open));
        await a.SendTextAsync("still");
        Assert.That(await a.ReceiveTextAsync(), Is.EqualTo("still"));
    }

    [Test]
    public async Task Tick_PolicyThrowsForOneConnection_LoggedAndRaisedOnOnError_TimerGoesOnForTheOthers()
    {
        var time = new FakeTimeProvider();
        var policy = Policy();
        var logs = new RecordingLoggerFactory();
        IWsConnection? broken = null;
        policy.When(p => p.OnTick(Arg.Any<HeartbeatPeer>())).Do(call =>
        {
            if (call.Arg<HeartbeatPeer>().Connection == Volatile.Read(ref broken))
            {
                throw new InvalidOperationException("policy bug");
            }
        });
        await using var server = await RecordingServer.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.Heartbeat = policy;
            o.LoggerFactory = logs;
        });
        using var a = await JsonClient.ConnectAsync(server.Port);
        Volatile.Write(ref broken, await server.NextConnectionAsync());
        using var b = await JsonClient.ConnectAsync(server.Port);
        var healthy = await server.NextConnectionAsync();

        time.AdvanceInSteps(TimeSpan.FromSeconds(3), Second);

        policy.Received(3).OnTick(Arg.Is<HeartbeatPeer>(p => p.Connection == healthy));
        for (int i = 0; i < 3; i++)
        {
            var (connection, error) = await server.NextErrorAsync();
            Assert.That(connection, Is.SameAs(broken));
            Assert.That(error.Message, Is.EqualTo("policy bug"));
        }

        Assert.That(server.HasErrors, Is.False);
        Assert.That(logs.WithId(300), Has.Length.EqualTo(3), "each fault is logged once, by the heartbeat");
        Assert.That(logs.WithId(205), Is.Empty, "and not a second time by the server");
        Assert.That(broken!.State, Is.EqualTo(WsConnectionState.Open));
    }

    [Test]
    public async Task OnJsonPong_PolicyThrows_IsReported_AndTheConnectionGoesOn()
    {
        await using var server = await FakeTimeServer.StartAsync(new FakeTimeProvider(), new JsonPongThrows(), s => s.OnMessage += RecordingServer.Echo);
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        await client.SendTextAsync("{\"type\":\"pong\",\"id\":1}");
        await client.SendTextAsync("hello");

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("hello"), "a JSON pong never reaches handlers; the next message does");
        var (errorConnection, error) = await server.NextErrorAsync();
        Assert.That(errorConnection, Is.SameAs(connection));
        Assert.That(error.Message, Is.EqualTo("pong check failed"));
    }

    [Test]
    public async Task Tick_CustomPolicyKillsPeer_ClosesWithCauseHeartbeatTimeout()
    {
        var time = new FakeTimeProvider();
        var policy = Policy();
        policy.When(p => p.OnTick(Arg.Any<HeartbeatPeer>())).Do(call => call.Arg<HeartbeatPeer>().Kill());
        await using var server = await FakeTimeServer.StartAsync(time, policy);
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        time.Advance(Second);

        await server.AssertHeartbeatTimeoutAsync(client, connection);
    }

    [Test]
    public async Task Tick_PolicyWithInfiniteInterval_IsNeverTicked()
    {
        var time = new FakeTimeProvider();
        var policy = Substitute.For<IHeartbeatPolicy>();
        policy.TickInterval.Returns(System.Threading.Timeout.InfiniteTimeSpan);
        await using var server = await FakeTimeServer.StartAsync(time, policy);
        using var client = await JsonClient.ConnectAsync(server.Port);
        await server.NextConnectionAsync();

        time.AdvanceInSteps(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30));

        policy.DidNotReceive().OnTick(Arg.Any<HeartbeatPeer>());
    }

    // NSubstitute cannot match span arguments: a hand-written policy whose OnJsonPong throws.
    private sealed class JsonPongThrows : IHeartbeatPolicy
    {
        public TimeSpan TickInterval => System.Threading.Timeout.InfiniteTimeSpan;

        public void OnTick(HeartbeatPeer peer)
        {
        }

        public void OnPong(HeartbeatPeer peer, ReadOnlySpan<byte> payload)
        {
        }

        public void OnJsonPong(HeartbeatPeer peer, ReadOnlySpan<byte> id) => throw new InvalidOperationException("pong check failed");
    }

    private static IHeartbeatPolicy Policy()
    {
        var policy = Substitute.For<IHeartbeatPolicy>();
        policy.TickInterval.Returns(Second);
        return policy;
    }
}
