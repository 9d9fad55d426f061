using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using EmbedWs.Dispatch;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;
using Microsoft.Extensions.Time.Testing;
using HB = EmbedWs.HeartbeatPolicy;

namespace EmbedWs.Tests.Observability;

/// <summary><see cref="WsServer.GetSnapshot"/>: the counts and connections a host's status page shows.</summary>
public class WsServerSnapshotTests
{
    [Test]
    public void GetSnapshot_BeforeStart_HasZeroCountsAndNoConnections()
    {
        var time = new FakeTimeProvider();
        var server = new WsServer(new WsServerOptions { TimeProvider = time });

        var snapshot = server.GetSnapshot();

        Assert.That(snapshot.Timestamp, Is.EqualTo(time.GetUtcNow()));
        Assert.That(snapshot.ActiveConnections, Is.Zero);
        Assert.That(snapshot.ConnectionsOpened, Is.Zero);
        Assert.That(snapshot.MessagesReceived, Is.Zero);
        Assert.That(snapshot.Connections, Is.Empty);
    }

    [Test]
    public async Task GetSnapshot_TwoClients_DescribesEachAndSumsTheTraffic()
    {
        var time = new FakeTimeProvider();
        await using var server = await RecordingServer.StartEchoAsync(o => o.TimeProvider = time);
        await using var a = await OpenAtAsync(server.Port, "/a");
        var connA = await server.NextConnectionAsync();
        await using var b = await OpenAtAsync(server.Port, "/b");
        var connB = await server.NextConnectionAsync();
        server.Server.Groups.Add(connB, "lobby");

        await a.SendAsync(ClientFrame.Text("hello"));   // 11 bytes in, 7 out
        await a.SendAsync(ClientFrame.Text("world!"));  // 12 bytes in, 8 out
        Assert.That(await a.ReadTextAsync(), Is.EqualTo("hello"));
        Assert.That(await a.ReadTextAsync(), Is.EqualTo("world!"));

        // The client may read an echo a moment before the server counts its write as done.
        WsServerSnapshot snapshot = server.Server.GetSnapshot();
        await Poll.UntilAsync(() => (snapshot = server.Server.GetSnapshot()).BytesSent == 15 && snapshot.Connections.All(c => c.SendQueueBytes == 0),
            "the echoes' writes should be counted");

        Assert.That(snapshot.Timestamp, Is.EqualTo(time.GetUtcNow()));
        Assert.That(snapshot.ActiveConnections, Is.EqualTo(2));
        Assert.That(snapshot.ConnectionsOpened, Is.EqualTo(2));
        Assert.That(snapshot.ConnectionsClosed, Is.Zero);
        Assert.That(snapshot.MessagesReceived, Is.EqualTo(2));
        Assert.That(snapshot.MessagesSent, Is.EqualTo(2));
        Assert.That(snapshot.BytesReceived, Is.EqualTo(23));
        Assert.That(snapshot.Groups, Is.EqualTo(1));
        Assert.That(snapshot.Connections.Select(c => c.Id), Is.EqualTo(new[] { connA.Id, connB.Id }), "by id");

        var first = snapshot.Connections.Single(c => c.Id == connA.Id);
        Assert.That(first.Path, Is.EqualTo("/a"));
        Assert.That(first.RemoteEndPoint, Is.EqualTo((IPEndPoint)a.Socket.LocalEndPoint!));
        Assert.That(first.State, Is.EqualTo(WsConnectionState.Open));
        Assert.That(first.ConnectedAt, Is.EqualTo(time.GetUtcNow()));
        Assert.That(first.RoundTripTime, Is.Null);
        Assert.That(first.InboundQueueBytes, Is.Zero);
        Assert.That((first.MessagesReceived, first.MessagesSent, first.BytesReceived, first.BytesSent), Is.EqualTo((2L, 2L, 23L, 15L)));

        var second = snapshot.Connections.Single(c => c.Id == connB.Id);
        Assert.That(second.Path, Is.EqualTo("/b"));
        Assert.That((second.MessagesReceived, second.MessagesSent, second.BytesReceived, second.BytesSent), Is.EqualTo((0L, 0L, 0L, 0L)));
    }

    [Test]
    public async Task GetSnapshot_AfterAHeartbeatPong_ShowsTheRoundTripTime()
    {
        var time = new FakeTimeProvider();
        await using var server = await Heartbeat.FakeTimeServer.StartAsync(time, HB.PingPong(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(2)));
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        Heartbeat.FakeTimeServer.AdvanceInSteps(time, TimeSpan.FromSeconds(4), TimeSpan.FromMilliseconds(500));
        var ping = await client.ReadFrameAsync();
        time.Advance(TimeSpan.FromMilliseconds(250));
        await client.SendAsync(ClientFrame.Pong(ping.Payload));
        await Poll.UntilAsync(() => connection.RoundTripTime is not null, "the pong should be seen");

        Assert.That(server.Server.GetSnapshot().Connections.Single().RoundTripTime, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
    }

    [Test]
    public async Task GetSnapshot_QueuedDispatchNotPumped_ShowsTheInboundQueue()
    {
        await using var server = await RecordingServer.StartAsync(o => o.Dispatch = EventDispatch.Queued);
        await using var client = await RawClient.OpenAsync(server.Port);
        var text = new string('x', 100);
        for (int i = 0; i < 3; i++)
        {
            await client.SendAsync(ClientFrame.Text(text));
        }

        await Poll.UntilAsync(() => server.Server.GetSnapshot().MessagesReceived == 3, "the three messages should be read");

        // The connect event and three messages wait for PumpEvents: 64 each, plus the payloads.
        Assert.That(server.Server.GetSnapshot().Connections.Single().InboundQueueBytes, Is.EqualTo(64 + (3 * (100 + 64))));
        server.Server.PumpEvents();
        Assert.That(server.Server.GetSnapshot().Connections.Single().InboundQueueBytes, Is.Zero);
    }

    [Test]
    public async Task GetSnapshot_AfterStop_KeepsTheTotals()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using (var client = await RawClient.OpenAsync(server.Port))
        {
            var connection = await server.NextConnectionAsync();
            await client.SendAsync(ClientFrame.Text("once"));
            Assert.That(await client.ReadTextAsync(), Is.EqualTo("once"));
            client.Reset();
            await server.CloseOfAsync(connection);
        }

        await server.StopAsync();
        var snapshot = server.Server.GetSnapshot();

        Assert.That(snapshot.ActiveConnections, Is.Zero);
        Assert.That(snapshot.Connections, Is.Empty);
        Assert.That((snapshot.ConnectionsOpened, snapshot.ConnectionsClosed), Is.EqualTo((1L, 1L)));
        Assert.That((snapshot.MessagesReceived, snapshot.MessagesSent), Is.EqualTo((1L, 1L)));
        Assert.That(snapshot.BytesReceived, Is.EqualTo(10));
    }

    [Test]
    public async Task GetSnapshot_WhileClientsComeAndGo_TotalsNeverGoDown()
    {
        const int Clients = 20;
        await using var server = await RecordingServer.StartEchoAsync();
        using var done = new CancellationTokenSource();
        var seen = new List<WsServerSnapshot>();
        var watcher = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                seen.Add(server.Server.GetSnapshot());
                await Task.Delay(1);
            }
        });

        for (int i = 0; i < Clients; i++)
        {
            await using var client = await RawClient.OpenAsync(server.Port);
            await client.SendAsync(ClientFrame.Text("ping"));
            Assert.That(await client.ReadTextAsync(), Is.EqualTo("ping"));
            client.Reset();
        }

        await server.WaitCloseCountAsync(Clients);
        done.Cancel();
        await watcher.WaitAsync(RecordingServer.Timeout);
        seen.Add(server.Server.GetSnapshot());

        for (int i = 1; i < seen.Count; i++)
        {
            var (before, after) = (seen[i - 1], seen[i]);
            Assert.That(after.MessagesReceived, Is.GreaterThanOrEqualTo(before.MessagesReceived), $"snapshot {i}");
            Assert.That(after.BytesReceived, Is.GreaterThanOrEqualTo(before.BytesReceived), $"snapshot {i}");
            Assert.That(after.BytesSent, Is.GreaterThanOrEqualTo(before.BytesSent), $"snapshot {i}");
            Assert.That(after.ConnectionsOpened, Is.GreaterThanOrEqualTo(before.ConnectionsOpened), $"snapshot {i}");
        }

        var last = seen[^1];
        Assert.That((last.ConnectionsOpened, last.ConnectionsClosed, last.MessagesReceived, last.MessagesSent), Is.EqualTo(((long)Clients, (long)Clients, (long)Clients, (long)Clients)));
        Assert.That(last.BytesReceived, Is.EqualTo(Clients * 10));
    }

    private static async Task<RawClient> OpenAtAsync(int port, string path)
    {
        var client = await RawClient.ConnectAsync(port);
        await client.SendAsync(new RawRequest(port, path).ToBytes());
        Assert.That((await client.ReadHeadAsync()).Status, Is.EqualTo(101));
        return client;
    }
}
