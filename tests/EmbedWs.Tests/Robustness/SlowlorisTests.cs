using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using EmbedWs.Dispatch;
using EmbedWs.Tests.Heartbeat;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;
using Microsoft.Extensions.Time.Testing;
using HB = EmbedWs.HeartbeatPolicy;

namespace EmbedWs.Tests.Robustness;

/// <summary>
/// Clients that hold a server's resources by sending nothing or almost nothing: sockets that
/// never finish their handshake (HandshakeTimeout) and messages that never finish
/// (MessageReadTimeout, one shared sweep). The clock of the latter is tested on fake time.
/// </summary>
public class SlowlorisTests
{
    private const int HandshakeTimeoutEvent = 102;
    private const int MessageReadTimeoutEvent = 114;
    private static readonly TimeSpan s_step = TimeSpan.FromSeconds(1);

    [Test]
    public async Task SilentSockets_ManyNeverFinishTheirHandshake_AllDroppedAndLogged_GoodClientKeepsEchoing()
    {
        const int Silent = 100;
        var logs = new RecordingLoggerFactory();
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.HandshakeTimeout = TimeSpan.FromSeconds(1);
            o.LoggerFactory = logs;
        });
        var silent = new List<RawClient>();
        try
        {
            for (int i = 0; i < Silent; i++)
            {
                var socket = await RawClient.ConnectAsync(server.Port);
                silent.Add(socket);
                if (i % 2 == 1)
                {
                    // Half of them send a partial head and stop (slowloris); the rest send nothing.
                    await socket.SendAsync($"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\n");
                }
            }

            // Connects while the hundred are waiting on the server, and is served at once.
            await using var good = await GoodClient.OpenAsync(server.Port);
            var attack = Task.WhenAll(silent.Select(s => s.AssertServerClosedAsync(TimeSpan.FromSeconds(30), "a silent socket must be dropped after HandshakeTimeout")));

            await good.EchoWhileAsync(attack);
            await logs.WaitForCountAsync(HandshakeTimeoutEvent, Silent);
            Assert.That(server.ConnectCount, Is.EqualTo(1), "only the good client opened");
        }
        finally
        {
            foreach (var s in silent)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task Trickle_OneByteAtATimeInsideAFrame_Closed1008ReadTimeoutAndLogged_GoodClientKeepsEchoing()
    {
        var logs = new RecordingLoggerFactory();
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.MessageReadTimeout = TimeSpan.FromSeconds(1);
            o.Heartbeat = HB.None;
            o.LoggerFactory = logs;
        });
        await using var good = await GoodClient.OpenAsync(server.Port);
        await server.NextConnectionAsync();
        await using var attacker = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        byte[] frame = ClientFrame.Binary(new byte[1000]);
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();

        // One byte every 250 ms: each read brings something, so no idle timeout would see it.
        var trickle = Task.Run(async () =>
        {
            try
            {
                for (int i = 0; i < frame.Length; i++)
                {
                    await attacker.Socket.SendAsync(frame.AsMemory(i, 1), SocketFlags.None, stop.Token);
                    await Task.Delay(250, stop.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped, or the server dropped the socket.
            }
        });
        var attack = Task.Run(async () =>
        {
            var close = await attacker.ReadCloseAsync();
            stop.Cancel();
            await trickle;
            Assert.That(close.Code, Is.EqualTo(1008));
            Assert.That(close.Reason, Is.EqualTo("read timeout"));
            await attacker.AssertServerClosedAsync(RawClient.Timeout);
        });

        await good.EchoWhileAsync(attack);
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(0.9)), "closed before MessageReadTimeout");
        var info = await server.CloseOfAsync(connection);
        Assert.That(info.Code, Is.EqualTo(1008));
        Assert.That(info.Cause, Is.EqualTo(WsCloseCause.PolicyViolation));
        var line = await logs.WaitForAsync(MessageReadTimeoutEvent);
        Assert.That(line.Message, Does.Contain($"Connection {connection.Id} "));
        Assert.That(logs.Count(MessageReadTimeoutEvent), Is.EqualTo(1), "logged once");
    }

    [Test]
    public async Task Incomplete_UntilJustBeforeTimeout_StaysOpen_ThenClosedWith1008()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartOnFakeTimeAsync(time);
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        byte[] frame = ClientFrame.Text("hello, slow world");
        await client.SendAsync(frame.AsSpan(0, 9).ToArray());
        await Poll.UntilAsync(() => connection.Transport().IncompleteSince != 0, "the server should have read the half frame");

        time.AdvanceInSteps(TimeSpan.FromSeconds(59), s_step);
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
        time.AdvanceInSteps(TimeSpan.FromSeconds(2), s_step);

        var close = await client.ReadCloseAsync();
        Assert.That((close.Code, close.Reason), Is.EqualTo(((ushort)1008, "read timeout")));

        // The client never answers the close: CloseTimeout (5 s, on the same fake clock) drops it.
        time.AdvanceInSteps(TimeSpan.FromSeconds(6), s_step);
        await client.AssertServerClosedAsync(RawClient.Timeout);
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.PolicyViolation));
    }

    [Test]
    public async Task SilenceBetweenMessages_IsNotLimited()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartOnFakeTimeAsync(time);
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        await client.SendAsync(ClientFrame.Text("one"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("one"));

        time.AdvanceInSteps(TimeSpan.FromMinutes(10), s_step);

        Assert.That(connection.Transport().IncompleteSince, Is.Zero);
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
        await client.SendAsync(ClientFrame.Text("two"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("two"));
    }

    [Test]
    public async Task SlowHandler_TimeSpentInHandlersDoesNotCount()
    {
        // Inline dispatch: the handler runs on the read loop, so while it works nothing is
        // read. The message began long before; the clock must not count the handler's time.
        var time = new FakeTimeProvider();
        await using var server = await StartOnFakeTimeAsync(time, o => o.Dispatch = EventDispatch.Inline, s => s.OnMessage += (c, m) =>
        {
            time.AdvanceInSteps(TimeSpan.FromMinutes(2), s_step);
            RecordingServer.Echo(c, m);
        });
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        byte[] frame = ClientFrame.Text("handled slowly");
        await client.SendAsync(frame.AsSpan(0, 9).ToArray());
        await Poll.UntilAsync(() => connection.Transport().IncompleteSince != 0, "the server should have read the half frame");
        time.AdvanceInSteps(TimeSpan.FromSeconds(50), s_step);

        await client.SendAsync(frame.AsSpan(9).ToArray());

        Assert.That(await client.ReadTextAsync(), Is.EqualTo("handled slowly"));
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
        await client.SendAsync(ClientFrame.Text("still open"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("still open"));
    }

    [Test]
    public async Task CompletedMessage_RestartsTheClockForTheNextOne()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartOnFakeTimeAsync(time);
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        byte[] first = ClientFrame.Text("first message");
        byte[] second = ClientFrame.Text("second message");
        await client.SendAsync(first.AsSpan(0, 9).ToArray());
        await Poll.UntilAsync(() => connection.Transport().IncompleteSince != 0, "the server should have read the half frame");
        long firstSince = connection.Transport().IncompleteSince;
        time.AdvanceInSteps(TimeSpan.FromSeconds(40), s_step);

        // The rest of the first and half of the second in one write.
        await client.SendAsync(ClientFrame.Concat(first.AsSpan(9).ToArray(), second.AsSpan(0, 9).ToArray()));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("first message"));
        await Poll.UntilAsync(() => connection.Transport().IncompleteSince != 0 && connection.Transport().IncompleteSince != firstSince, "the second message's clock should start");

        time.AdvanceInSteps(TimeSpan.FromSeconds(40), s_step);
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open), "80 s since the first message began, 40 s since the second");
        time.AdvanceInSteps(TimeSpan.FromSeconds(25), s_step);

        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1008));
    }

    [Test]
    public async Task PingsBetweenFragments_DoNotRestartTheClock()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartOnFakeTimeAsync(time);
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        await client.SendAsync(ClientFrame.Text("never ", fin: false));
        await Poll.UntilAsync(() => connection.Transport().IncompleteSince != 0, "the server should have read the first fragment");

        // A ping every 10 s keeps bytes coming, but the message never goes on.
        for (int i = 0; i < 6; i++)
        {
            time.AdvanceInSteps(TimeSpan.FromSeconds(10), s_step);
            Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open), $"after {(i + 1) * 10} s");
            await client.SendAsync(ClientFrame.Ping(new[] { (byte)i }));
            Assert.That((await client.ReadFrameAsync()).Opcode, Is.EqualTo(ClientFrame.OpPong));
        }

        time.AdvanceInSteps(TimeSpan.FromSeconds(2), s_step);

        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1008));
    }

    [TestCase(60_000, 1_000)]
    [TestCase(2_000, 500)]
    [TestCase(20, 10)]
    public void Tick_Period_IsAQuarterOfTheReadTimeoutFrom10msTo1s(int timeoutMs, int periodMs)
    {
        var options = new WsServerOptions
        {
            MessageReadTimeout = TimeSpan.FromMilliseconds(timeoutMs),
            CloseTimeout = TimeSpan.FromMinutes(1),
            HandlerTimeout = System.Threading.Timeout.InfiniteTimeSpan,
            Heartbeat = HeartbeatPolicy.None,
        };

        Assert.That(new ServerTick(new WsServer(options), options.Freeze()).Period, Is.EqualTo(TimeSpan.FromMilliseconds(periodMs)));
    }

    // A server whose sweep (and connections' timestamps) run on fake time, with the default
    // MessageReadTimeout of 60 s and no heartbeat, so only the test moves the clock.
    private static Task<RecordingServer> StartOnFakeTimeAsync(FakeTimeProvider time, Action<WsServerOptions>? configure = null, Action<WsServer>? wire = null) =>
        RecordingServer.StartAsync(
            o =>
            {
                o.TimeProvider = time;
                o.Heartbeat = HB.None;
                configure?.Invoke(o);
            },
            wire ?? (s => s.OnMessage += RecordingServer.Echo));
}
