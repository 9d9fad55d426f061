using System.Buffers.Binary;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;
using Microsoft.Extensions.Time.Testing;
using HB = EmbedWs.HeartbeatPolicy;

namespace EmbedWs.Tests.Heartbeat;

/// <summary>
/// Protocol ping/pong (DESIGN §6) on fake time. ClientWebSocket answers pings itself and hides
/// them, so the client here is a raw socket that sees every frame.
/// </summary>
public class PingPongHeartbeatTests
{
    // Tick = a quarter of the shorter period = 500 ms.
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    [Test]
    public async Task PingPong_SilenceForInterval_SendsPingWith8ByteTokenAndPongSetsRoundTripTime()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeTimeServer.StartAsync(time, HB.PingPong(Interval, Timeout));
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        time.AdvanceInSteps(Interval, Tick);

        var ping = await client.ReadFrameAsync();
        Assert.That(ping.Opcode, Is.EqualTo(ClientFrame.OpPing));
        Assert.That(ping.Payload, Has.Length.EqualTo(8));
        Assert.That(BinaryPrimitives.ReadInt64BigEndian(ping.Payload), Is.EqualTo(1));
        Assert.That(connection.RoundTripTime, Is.Null);

        time.Advance(TimeSpan.FromMilliseconds(250));
        await client.SendAsync(ClientFrame.Pong(ping.Payload));

        await Poll.UntilAsync(() => connection.RoundTripTime is not null, "the pong should set RoundTripTime");
        Assert.That(connection.RoundTripTime, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
    }

    [Test]
    public async Task PingPong_PongsStop_ClosesWith1001AndCauseHeartbeatTimeout()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeTimeServer.StartAsync(time, HB.PingPong(Interval, Timeout));
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        // First ping (at 4 s) answered at 4.25 s.
        time.AdvanceInSteps(Interval, Tick);
        var first = await client.ReadFrameAsync();
        time.Advance(TimeSpan.FromMilliseconds(250));
        await client.SendAsync(ClientFrame.Pong(first.Payload));
        await Poll.UntilAsync(() => connection.RoundTripTime is not null, "the first pong should be seen");

        // Second ping at 8.5 s (4 s after the pong); the client no longer answers.
        time.AdvanceInSteps(TimeSpan.FromSeconds(4.75), Tick);
        var second = await client.ReadFrameAsync();
        Assert.That(second.Opcode, Is.EqualTo(ClientFrame.OpPing));
        Assert.That(BinaryPrimitives.ReadInt64BigEndian(second.Payload), Is.EqualTo(2));

        time.AdvanceInSteps(TimeSpan.FromSeconds(1), Tick);
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open), "1.5 s after the ping: not yet dead");

        time.AdvanceInSteps(TimeSpan.FromSeconds(0.5), Tick);
        var close = await client.ReadCloseAsync();
        Assert.That(close.Code, Is.EqualTo(1001));
        Assert.That(close.Reason, Is.EqualTo("heartbeat timeout"));
        await client.SendAsync(ClientFrame.Close(1001));
        await client.AssertServerClosedAsync(RawClient.Timeout);

        var info = await server.CloseOfAsync(connection);
        Assert.That(info.Cause, Is.EqualTo(WsCloseCause.HeartbeatTimeout));
        Assert.That(info.Code, Is.EqualTo(1001));
    }

    [Test]
    public async Task PingPong_OtherTrafficAfterPing_KeepsConnectionOpen()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeTimeServer.StartAsync(time, HB.PingPong(Interval, Timeout), s => s.OnMessage += RecordingServer.Echo);
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        time.AdvanceInSteps(Interval, Tick);
        Assert.That((await client.ReadFrameAsync()).Opcode, Is.EqualTo(ClientFrame.OpPing));
        time.Advance(TimeSpan.FromMilliseconds(250));
        await client.SendAsync(ClientFrame.Text("busy, not ponging"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("busy, not ponging"));

        // Past the ping's timeout, but the peer spoke after it.
        time.AdvanceInSteps(TimeSpan.FromSeconds(3), Tick);

        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
        Assert.That(connection.RoundTripTime, Is.Null, "only a matching pong measures the round trip");
    }

    [Test]
    public async Task PingPong_PongWithWrongToken_DoesNotSetRoundTripTime()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeTimeServer.StartAsync(time, HB.PingPong(Interval, Timeout), s => s.OnMessage += RecordingServer.Echo);
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        time.AdvanceInSteps(Interval, Tick);
        await client.ReadFrameAsync();
        var wrong = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(wrong, 99);
        await client.SendAsync(ClientFrame.Pong(wrong));
        // An echo after the pong proves the server has read it.
        await client.SendAsync(ClientFrame.Text("after"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("after"));

        Assert.That(connection.RoundTripTime, Is.Null);
    }

    [Test]
    public async Task PingPong_InlineHandlerAwaitsLongerThanIntervalPlusTimeout_ConnectionStays_SilenceCountsFromItsEnd()
    {
        // While an Inline handler awaits, the read loop reads nothing, pongs included: the
        // heartbeat must not take that for a dead peer (HandlerTimeout bounds the handler).
        var time = new FakeTimeProvider();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RecordingServer.StartAsync(
            o =>
            {
                o.TimeProvider = time;
                o.Heartbeat = HB.PingPong(Interval, Timeout);
                o.HandlerTimeout = System.Threading.Timeout.InfiniteTimeSpan;
            },
            s => s.OnMessage += async (c, m) =>
            {
                await release.Task;
                c.Send("done");
            });
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        await client.SendAsync(ClientFrame.Text("slow"));
        await Poll.UntilAsync(() => connection.Transport().IsReadPaused, "the handler should be running");

        time.AdvanceInSteps(Interval + Timeout + Interval, Tick);
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open), "no ping and no heartbeat timeout while the handler runs");

        release.SetResult();
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("done"));
        await Poll.UntilAsync(() => !connection.Transport().IsReadPaused, "the read loop should go on after the handler");

        // Silence counts from the handler's end: a ping one interval later, answered, still open.
        time.AdvanceInSteps(Interval, Tick);
        var ping = await client.ReadFrameAsync();
        Assert.That(ping.Opcode, Is.EqualTo(ClientFrame.OpPing));
        await client.SendAsync(ClientFrame.Pong(ping.Payload));
        await Poll.UntilAsync(() => connection.RoundTripTime is not null, "the pong should be seen");
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
    }
}
