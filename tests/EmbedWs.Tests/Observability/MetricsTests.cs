using System.Collections.Generic;
using System.Linq;
using System.Text;
using EmbedWs.Routing;
using EmbedWs.Tests.Routing;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;
using Microsoft.Extensions.Time.Testing;
using HB = EmbedWs.HeartbeatPolicy;

namespace EmbedWs.Tests.Observability;

/// <summary>
/// The instruments of the "EmbedWs" Meter (README "Metrics and status"), read with a
/// MeterListener over real loopback sockets. Each test listens to its own server's Meter only.
/// </summary>
public class MetricsTests
{
    [Test]
    public async Task Meter_AfterStart_PublishesEveryInstrumentWithItsUnit()
    {
        await using var server = await RecordingServer.StartAsync();
        using var recorder = new MeterRecorder(server.Server);

        Assert.That(recorder.Meter.Name, Is.EqualTo("EmbedWs"));
        var units = recorder.Instruments.ToDictionary(i => i.Name, i => i.Unit);
        Assert.That(units, Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["embedws.connections.active"] = "{connection}",
            ["embedws.connections.opened"] = "{connection}",
            ["embedws.connections.closed"] = "{connection}",
            ["embedws.handshakes.rejected"] = "{handshake}",
            ["embedws.messages.received"] = "{message}",
            ["embedws.messages.sent"] = "{message}",
            ["embedws.bytes.received"] = "By",
            ["embedws.bytes.sent"] = "By",
            ["embedws.send_queue.drops"] = "{message}",
            ["embedws.slow_consumer.closes"] = "{connection}",
            ["embedws.heartbeat.timeouts"] = "{connection}",
            ["embedws.routing.errors"] = "{message}",
            ["embedws.handler.duration"] = "s",
            ["embedws.messages.dropped"] = "{message}",
            ["embedws.messages.replaced"] = "{message}",
            ["embedws.messages.rate_limited"] = "{message}",
            ["embedws.send_queue.bytes"] = "By",
            ["embedws.connections.congested"] = "{connection}",
        }));
    }

    [Test]
    public async Task EchoThenClientClose_CountsConnectionMessagesAndWireBytes()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        using var recorder = new MeterRecorder(server.Server);
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        Assert.That(recorder.Observe("embedws.connections.active"), Is.EqualTo(1));

        await client.SendAsync(ClientFrame.Text("hello"));    // 2 + 4 (mask) + 5 = 11 bytes
        await client.SendAsync(ClientFrame.Text("world!"));   // 12 bytes
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("hello"));    // 2 + 5 = 7 bytes
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("world!"));   // 8 bytes
        await client.SendAsync(ClientFrame.Close(1000));      // 2 + 4 + 2 = 8 bytes
        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1000));   // 4 bytes
        await client.AssertServerClosedAsync(RawClient.Timeout);
        await server.CloseOfAsync(connection);

        Assert.That(recorder.Sum("embedws.connections.opened"), Is.EqualTo(1));
        Assert.That(recorder.Sum("embedws.connections.closed", "embedws.close.cause", "client_closed"), Is.EqualTo(1));
        Assert.That(recorder.Sum("embedws.connections.closed"), Is.EqualTo(1));
        Assert.That(recorder.Observe("embedws.connections.active"), Is.Zero);
        Assert.That(recorder.Observe("embedws.messages.received"), Is.EqualTo(2));
        Assert.That(recorder.Observe("embedws.messages.sent"), Is.EqualTo(2));
        Assert.That(recorder.Observe("embedws.bytes.received"), Is.EqualTo(11 + 12 + 8));
        Assert.That(recorder.Observe("embedws.bytes.sent"), Is.EqualTo(7 + 8 + 4));
    }

    [Test]
    public async Task RefusedHandshakes_AreCountedByStatus()
    {
        await using var server = await RecordingServer.StartAsync(o => o.AcceptHandler = ctx =>
        {
            if (ctx.Info.Path == "/private")
            {
                ctx.Reject(401);
            }

            return default;
        });
        using var recorder = new MeterRecorder(server.Server);

        await RefuseAsync(server.Port, new RawRequest(server.Port, "/private"), 401);
        await RefuseAsync(server.Port, new RawRequest(server.Port).Remove("Sec-WebSocket-Key"), 400);
        await RefuseAsync(server.Port, new RawRequest(server.Port).Remove("Upgrade").Remove("Connection"), 426);

        Assert.That(recorder.Sum("embedws.handshakes.rejected", "http.response.status_code", 401), Is.EqualTo(1));
        Assert.That(recorder.Sum("embedws.handshakes.rejected", "http.response.status_code", 400), Is.EqualTo(1));
        Assert.That(recorder.Sum("embedws.handshakes.rejected", "http.response.status_code", 426), Is.EqualTo(1));
        Assert.That(recorder.Sum("embedws.connections.opened"), Is.Zero);
        Assert.That(server.Server.GetSnapshot().HandshakesRejected, Is.EqualTo(3));
    }

    [Test]
    public async Task RoutingErrors_AreCountedByCode_ApplicationRepliesAreNot()
    {
        await using var server = await RoutingFixture.StartAsync(s =>
        {
            s.Route<AddRequest>("taken", (c, r) => throw new WsReplyException("name_taken", "taken"));
            s.Route<AddRequest>("broken", (c, r) => throw new InvalidOperationException("bug"));
        });
        using var recorder = new MeterRecorder(server.Server);
        using var client = await JsonClient.ConnectAsync(server.Port);

        foreach (var text in new[]
        {
            "not json",
            "{\"type\":\"nope\",\"id\":1}",
            "{\"type\":\"nope\",\"id\":2}",
            "{\"type\":\"taken\",\"id\":3,\"data\":{\"a\":1,\"b\":2}}",
            "{\"type\":\"broken\",\"id\":4,\"data\":{\"a\":1,\"b\":2}}",
        })
        {
            await client.SendTextAsync(text);
            Assert.That((string?)(await client.ReceiveJsonAsync())["type"], Is.EqualTo("error"));
        }

        Assert.That(recorder.Sum("embedws.routing.errors", "embedws.error.code", "invalid_json"), Is.EqualTo(1));
        Assert.That(recorder.Sum("embedws.routing.errors", "embedws.error.code", "unknown_type"), Is.EqualTo(2));
        Assert.That(recorder.Sum("embedws.routing.errors", "embedws.error.code", "handler_error"), Is.EqualTo(1));
        Assert.That(recorder.Sum("embedws.routing.errors"), Is.EqualTo(4), "name_taken is the application's answer, not a routing error");
    }

    [Test]
    public async Task SlowConsumer_CountsTheDropAndTheClose()
    {
        var pushed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RecordingServer.StartAsync(
            o =>
            {
                o.MaxSendQueueBytes = 64 * 1024;
                o.CloseTimeout = TimeSpan.FromSeconds(1);
            },
            s => s.OnConnect += c => _ = Task.Run(async () =>
            {
                var message = new byte[16 * 1024];
                while (c.Send(message))
                {
                }

                pushed.TrySetResult(true);
            }));
        using var recorder = new MeterRecorder(server.Server);

        // A small receive window and no reads: the queue fills.
        await using var client = await RawClient.OpenAsync(server.Port, s => s.ReceiveBufferSize = 4096);
        var connection = await server.NextConnectionAsync();
        Assert.That(await Task.WhenAny(pushed.Task, Task.Delay(RecordingServer.Timeout)), Is.SameAs(pushed.Task), "SendAsync never returned false");
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.SlowConsumer));

        Assert.That(recorder.Sum("embedws.send_queue.drops"), Is.EqualTo(1), "one send found the queue full; later ones found it closing");
        Assert.That(recorder.Sum("embedws.slow_consumer.closes"), Is.EqualTo(1));
        Assert.That(recorder.Sum("embedws.connections.closed", "embedws.close.cause", "slow_consumer"), Is.EqualTo(1));
    }

    [Test]
    public async Task HeartbeatTimeout_IsCounted()
    {
        var time = new FakeTimeProvider();
        await using var server = await Heartbeat.FakeTimeServer.StartAsync(time, HB.PingPong(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(2)));
        using var recorder = new MeterRecorder(server.Server);
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        Heartbeat.FakeTimeServer.AdvanceInSteps(time, TimeSpan.FromSeconds(4), TimeSpan.FromMilliseconds(500));
        Assert.That((await client.ReadFrameAsync()).Opcode, Is.EqualTo(ClientFrame.OpPing));
        Heartbeat.FakeTimeServer.AdvanceInSteps(time, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500));
        Assert.That((await client.ReadCloseAsync()).Reason, Is.EqualTo("heartbeat timeout"));
        await client.SendAsync(ClientFrame.Close(1001));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.HeartbeatTimeout));

        Assert.That(recorder.Sum("embedws.heartbeat.timeouts"), Is.EqualTo(1));
        Assert.That(recorder.Sum("embedws.connections.closed", "embedws.close.cause", "heartbeat_timeout"), Is.EqualTo(1));
    }

    [Test]
    public async Task HandlerDuration_IsRecordedPerEvent()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        using var recorder = new MeterRecorder(server.Server);
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        for (int i = 0; i < 3; i++)
        {
            await client.SendAsync(ClientFrame.Text("m" + i));
            Assert.That(await client.ReadTextAsync(), Is.EqualTo("m" + i));
        }

        client.Reset();
        await server.CloseOfAsync(connection);
        int Count(string handlerEvent) => recorder.Histogram.Count(h => (string?)h.Tags["embedws.handler.event"] == handlerEvent);
        await Poll.UntilAsync(() => Count("close") == 1, "the close handler's duration should be recorded");

        Assert.That(Count("connect"), Is.EqualTo(1));
        Assert.That(Count("message"), Is.EqualTo(3));
        Assert.That(recorder.Histogram.Select(h => h.Name), Is.All.EqualTo("embedws.handler.duration"));
        Assert.That(recorder.Histogram.Select(h => h.Value), Is.All.GreaterThanOrEqualTo(0).And.All.LessThan(60));
    }

    [Test]
    public async Task TwoServers_EachMeterCountsOnlyItsOwnConnections()
    {
        await using var a = await RecordingServer.StartEchoAsync();
        await using var b = await RecordingServer.StartEchoAsync();
        using var recordA = new MeterRecorder(a.Server);
        using var recordB = new MeterRecorder(b.Server);

        await using var client = await RawClient.OpenAsync(b.Port);
        await b.NextConnectionAsync();
        await client.SendAsync(ClientFrame.Text("to b"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("to b"));

        Assert.That(recordB.Sum("embedws.connections.opened"), Is.EqualTo(1));
        Assert.That(recordB.Observe("embedws.messages.received"), Is.EqualTo(1));
        Assert.That(recordA.Sum("embedws.connections.opened"), Is.Zero);
        Assert.That(recordA.Observe("embedws.messages.received"), Is.Zero);
    }

    [Test]
    public async Task Stop_EndsTheMetersInstruments_AndCountsServerStopCloses()
    {
        await using var server = await RecordingServer.StartAsync();
        using var recorder = new MeterRecorder(server.Server);
        await using var client = await RawClient.OpenAsync(server.Port);
        await server.NextConnectionAsync();

        var stopping = server.StopAsync();
        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1001));
        await client.SendAsync(ClientFrame.Close(1001));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        await stopping;

        Assert.That(recorder.Sum("embedws.connections.closed", "embedws.close.cause", "server_stopping"), Is.EqualTo(1));
        Assert.That(recorder.Completed("embedws.connections.opened"), Is.True, "the Meter should be disposed with the server");
        Assert.That(recorder.Completed("embedws.messages.received"), Is.True);
    }

    private static async Task RefuseAsync(int port, RawRequest request, int status)
    {
        await using var client = await RawClient.ConnectAsync(port);
        await client.SendAsync(request.ToBytes());
        Assert.That((await client.ReadHeadAsync()).Status, Is.EqualTo(status), Encoding.ASCII.GetString(request.ToBytes()));
    }
}
