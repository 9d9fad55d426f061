using System.Diagnostics;
using System.Linq;
using System.Security.Claims;
using System.Threading;
using EmbedWs.Testing;
using EmbedWs.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace EmbedWs.Tests.Testing;

/// <summary>
/// <see cref="WsTestClient"/>: a server's handlers tested in memory, without a socket: text,
/// binary, JSON envelopes, requests and their replies (10,000 in under a second), error replies,
/// refusals, the closing handshake both ways, and the heartbeat on fake time.
/// </summary>
public class WsTestClientTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    internal sealed record AddRequest(int A, int B);

    internal sealed record AddReply(int Sum);

    internal sealed record ChatSend(string Text);

    [Test]
    [NonParallelizable]
    public async Task Route_TenThousandRequests_RepliedInUnderASecondWithNoSocket()
    {
        await using var server = await StartAsync(s => s.Route<AddRequest, AddReply>("math.add", (_, r) => new AddReply(r.A + r.B)));
        await using var client = await WsTestClient.ConnectAsync(server.Server);
        await client.RequestAsync<AddReply>("math.add", new AddRequest(0, 0));   // warm: JIT, first route binding

        // The processor time the test process spent (every thread: the client's, the server's),
        // not the wall clock: on a machine shared with other work the wall clock measures the
        // machine's load, and this test is about what the requests cost.
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var replies = await Task.WhenAll(Enumerable.Range(0, 10_000).Select(i => client.RequestAsync<AddReply>("math.add", new AddRequest(i, 1))));
        clock.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;

        Assert.That(replies.Select(r => r!.Sum), Is.EqualTo(Enumerable.Range(1, 10_000)));
        Assert.That(cpu, Is.LessThan(TimeSpan.FromSeconds(1)), $"10,000 requests in memory (wall clock {clock.ElapsedMilliseconds} ms)");
        TestContext.Out.WriteLine($"10,000 requests: {cpu.TotalMilliseconds:F0} ms of processor time, {clock.ElapsedMilliseconds} ms of wall clock");
        Assert.That(server.Server.LocalEndPoints, Is.Empty, "the server opened no port");
        Assert.That(client.Info.RemoteEndPoint, Is.Null, "the connection has no socket");
    }

    [Test]
    public async Task Send_TextAndBinary_EchoedInOrder()
    {
        await using var server = await StartAsync(s => s.OnMessage += RecordingServer.Echo);
        await using var client = await WsTestClient.ConnectAsync(server.Server, "/echo");
        var big = new byte[100_000];
        new Random(2).NextBytes(big);

        client.SendText("héllo");
        client.SendBinary(big);

        Assert.That(await client.ReceiveTextAsync(Cancel()), Is.EqualTo("héllo"));
        var binary = await client.ReceiveAsync(Cancel());
        Assert.That(binary.IsText, Is.False);
        Assert.That(binary.Data.ToArray(), Is.EqualTo(big));
        Assert.That((await server.NextConnectionAsync()).Info.Path, Is.EqualTo("/echo"));
    }

    [Test]
    public async Task SendJson_RouteBroadcasts_ReceiveJsonBindsThePush()
    {
        await using var server = await StartAsync(s => s.Route<ChatSend>("chat.send", (_, m) => s.BroadcastJson("chat.message", new ChatSend(m.Text.ToUpperInvariant()))));
        await using var alice = await WsTestClient.ConnectAsync(server.Server);
        await using var bob = await WsTestClient.ConnectAsync(server.Server);

        alice.SendJson("chat.send", new ChatSend("hi"));

        Assert.That((await bob.ReceiveJsonAsync<ChatSend>("chat.message", Cancel()))!.Text, Is.EqualTo("HI"));
        Assert.That((await alice.ReceiveJsonAsync<ChatSend>("chat.message", Cancel()))!.Text, Is.EqualTo("HI"));
    }

    [Test]
    public async Task Request_UnknownType_ThrowsErrorReplyWithItsCode()
    {
        await using var server = await StartAsync(s => s.Route<AddRequest, AddReply>("math.add", (_, r) => new AddReply(r.A + r.B)));
        await using var client = await WsTestClient.ConnectAsync(server.Server);

        var error = await Assert.ThrowsAsync<WsTestErrorReplyException>(() => client.RequestAsync<AddReply>("math.nope", new AddRequest(1, 2), Cancel()));

        Assert.That(error!.Code, Is.EqualTo("unknown_type"));
    }

    [Test]
    public async Task Connect_AcceptHookRejects_ThrowsWithStatusAndSeesUser()
    {
        string? seen = null;
        await using var server = await StartAsync(configure: o => o.AcceptHandler = ctx =>
        {
            seen = ctx.Info.User?.Identity?.Name;
            if (ctx.Info.Header("Authorization") != "Bearer good")
            {
                ctx.Reject(401, "token?");
            }

            return default;
        });
        var request = new WsTestRequest { User = new ClaimsPrincipal(new ClaimsIdentity(new[] { new Claim(ClaimTypes.Name, "dora") }, "test")) };

        var refused = await Assert.ThrowsAsync<WsTestHandshakeException>(() => WsTestClient.ConnectAsync(server.Server, request));
        request.Headers["Authorization"] = "Bearer good";
        await using var client = await WsTestClient.ConnectAsync(server.Server, request);

        Assert.That(refused!.StatusCode, Is.EqualTo(401));
        Assert.That(seen, Is.EqualTo("dora"));
        Assert.That(client.Info.User!.Identity!.Name, Is.EqualTo("dora"));
    }

    [Test]
    public async Task Close_ClientCloses_BothSidesSeeTheCode()
    {
        await using var server = await StartAsync();
        await using var client = await WsTestClient.ConnectAsync(server.Server);
        var connection = await server.NextConnectionAsync();

        var close = await client.CloseAsync(4000, "bye").WaitAsync(s_timeout);

        Assert.That(close.Code, Is.EqualTo(4000));
        Assert.That(close.Cause, Is.EqualTo(WsCloseCause.ClientClosed));
        var onClose = await server.CloseOfAsync(connection);
        Assert.That(onClose.Code, Is.EqualTo(4000));
        Assert.That(onClose.Reason, Is.EqualTo("bye"));
    }

    [Test]
    public async Task Close_ServerCloses_ClientAnswersAndSeesServerClosed()
    {
        await using var server = await StartAsync();
        await using var client = await WsTestClient.ConnectAsync(server.Server);
        var connection = await server.NextConnectionAsync();

        connection.Close(4002, "go");
        var close = await client.Closed.WaitAsync(s_timeout);

        Assert.That(close.Code, Is.EqualTo(4002));
        Assert.That(close.Cause, Is.EqualTo(WsCloseCause.ServerClosed));
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.ServerClosed));
    }

    [Test]
    public async Task Heartbeat_FakeTime_PingAnsweredKeepsItOpenSilentPeerIsClosed()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartAsync(configure: o =>
        {
            o.TimeProvider = time;
            o.Heartbeat = HeartbeatPolicy.PingPong(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10));
        });
        await using var answering = await WsTestClient.ConnectAsync(server.Server);
        await using var silent = await WsTestClient.ConnectAsync(server.Server);
        silent.AnswerPings = false;
        var answeringConnection = await server.NextConnectionAsync();
        var silentConnection = await server.NextConnectionAsync();

        Advance(time, TimeSpan.FromSeconds(16));
        await Poll.UntilAsync(() => answering.PingsReceived == 1 && silent.PingsReceived == 1, "both pinged after 15 s of silence");
        await Poll.UntilAsync(() => answeringConnection.RoundTripTime is not null, "the answering client's pong reached the policy");
        Advance(time, TimeSpan.FromSeconds(11));

        Assert.That((await server.CloseOfAsync(silentConnection)).Cause, Is.EqualTo(WsCloseCause.HeartbeatTimeout));
        var seenByClient = await silent.Closed.WaitAsync(s_timeout);
        Assert.That(seenByClient.Code, Is.EqualTo(WsCloseCodes.GoingAway));
        Assert.That(seenByClient.Reason, Is.EqualTo("heartbeat timeout"));
        Assert.That(answeringConnection.State, Is.EqualTo(WsConnectionState.Open));
        Assert.That(server.Server.LocalEndPoints, Is.Empty);
    }

    // Moves fake time in the heartbeat's tick steps, as a real clock would.
    private static void Advance(FakeTimeProvider time, TimeSpan total)
    {
        for (var step = TimeSpan.FromSeconds(1); total > TimeSpan.Zero; total -= step)
        {
            time.Advance(total < step ? total : step);
        }
    }

    private static CancellationToken Cancel() => new CancellationTokenSource(s_timeout).Token;

    private static Task<RecordingServer> StartAsync(Action<WsServer>? wire = null, Action<WsServerOptions>? configure = null) =>
        RecordingServer.StartAsync(o =>
        {
            o.Listen = false;
            configure?.Invoke(o);
        }, wire);
}
