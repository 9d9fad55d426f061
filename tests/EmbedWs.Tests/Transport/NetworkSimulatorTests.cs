using System.Collections.Generic;
using System.Linq;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;
using Microsoft.Extensions.Time.Testing;

namespace EmbedWs.Tests.Transport;

/// <summary>
/// The network simulator (docs/network-simulator.md) on fake time: what it adds is measured where
/// a frame leaves the simulated link for the send queue; and over sockets, that control frames
/// pass it by.
/// </summary>
public class NetworkSimulatorTests
{
    [Test]
    public void Latency_WithJitter_MedianAddedLatencyWithinTenPercent()
    {
        var time = new FakeTimeProvider();
        var owner = new RecordingOwner(time);
        var link = new SimulatedLink(new NetworkSimulator(time, seed: 1),
            new WsNetworkConditions { Latency = TimeSpan.FromMilliseconds(80), Jitter = TimeSpan.FromMilliseconds(20) }, owner);
        var sentAt = new List<long>();

        // A message every 10 ms (a 100 Hz game tick), the clock moving in 1 ms steps.
        for (int i = 0; i < 2000; i++)
        {
            sentAt.Add(time.GetTimestamp());
            Assert.That(link.Enqueue(OutgoingFrame.Text($"m{i}".AsSpan()), WsDelivery.Reliable), Is.True);
            for (int ms = 0; ms < 10; ms++)
            {
                time.Advance(TimeSpan.FromMilliseconds(1));
            }
        }

        for (int ms = 0; ms < 200; ms++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.That(owner.Texts, Is.EqualTo(Enumerable.Range(0, 2000).Select(i => $"m{i}")), "every message, in order");
        var added = owner.ReleasedAt.Zip(sentAt, (released, sent) => (released - sent) * 1000.0 / time.TimestampFrequency).OrderBy(ms => ms).ToArray();
        double p50 = added[added.Length / 2];
        TestContext.Out.WriteLine($"added latency p50 {p50} ms, min {added[0]} ms, max {added[^1]} ms");
        Assert.That(p50, Is.InRange(72, 88), "p50 within 10% of 80 ms");
        Assert.That(added[0], Is.GreaterThanOrEqualTo(60), "no message earlier than latency - jitter");
    }

    [Test]
    public void Loss_OnDroppableMessages_WithinOnePointOfSetting_ReliableNeverLost()
    {
        var time = new FakeTimeProvider();
        var owner = new RecordingOwner(time);
        var link = new SimulatedLink(new NetworkSimulator(time, seed: 2), new WsNetworkConditions { Loss = 0.02 }, owner);

        int lost = 0;
        for (int i = 0; i < 10_000; i++)
        {
            lost += link.Enqueue(OutgoingFrame.Text("d".AsSpan()), WsDelivery.Droppable) ? 0 : 1;
            Assert.That(link.Enqueue(OutgoingFrame.Text("r".AsSpan()), WsDelivery.Reliable), Is.True);
            Assert.That(link.Enqueue(OutgoingFrame.Text("l".AsSpan()), WsDelivery.Latest("k")), Is.True);
        }

        time.Advance(TimeSpan.FromMilliseconds(1));
        double rate = lost / 10_000.0;
        TestContext.Out.WriteLine($"lost {lost} of 10,000 droppable messages ({rate:P2})");
        Assert.That(rate, Is.InRange(0.01, 0.03));
        Assert.That(link.Lost, Is.EqualTo(lost));
        Assert.That(owner.Texts.Count(t => t == "r"), Is.EqualTo(10_000));
        Assert.That(owner.Texts.Count(t => t == "d"), Is.EqualTo(10_000 - lost));
    }

    [Test]
    public void Bandwidth_FramesLeaveOneAfterTheOther()
    {
        var time = new FakeTimeProvider();
        var owner = new RecordingOwner(time);
        var link = new SimulatedLink(new NetworkSimulator(time, seed: 3), new WsNetworkConditions { BandwidthBytesPerSecond = 1000 }, owner);
        string payload = new('x', 98);                       // 100 bytes with its 2-byte header

        for (int i = 0; i < 5; i++)
        {
            link.Enqueue(OutgoingFrame.Text(payload.AsSpan()), WsDelivery.Reliable);
        }

        Assert.That(link.Bytes, Is.EqualTo(500));
        for (int step = 1; step <= 5; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(99));
            Assert.That(owner.Texts, Has.Count.EqualTo(step - 1), $"before {step * 100} ms");
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.That(owner.Texts, Has.Count.EqualTo(step), $"at {step * 100} ms");
        }

        Assert.That(link.Bytes, Is.Zero);
    }

    [TestCase("latency=80ms,jitter=20ms,loss=2%", 80, 20, 0.02, 0)]
    [TestCase("loss=0.5,bandwidth=64KB", 0, 0, 0.5, 65536)]
    [TestCase("latency=1.5s", 1500, 0, 0, 0)]
    public void Parse_Conditions(string text, int latencyMs, int jitterMs, double loss, int bandwidth)
    {
        var c = WsNetworkConditions.Parse(text);
        Assert.That(c.Latency, Is.EqualTo(TimeSpan.FromMilliseconds(latencyMs)));
        Assert.That(c.Jitter, Is.EqualTo(TimeSpan.FromMilliseconds(jitterMs)));
        Assert.That(c.Loss, Is.EqualTo(loss).Within(1e-9));
        Assert.That(c.BandwidthBytesPerSecond, Is.EqualTo(bandwidth));
        Assert.That(WsNetworkConditions.Parse(c.ToString()).Latency, Is.EqualTo(c.Latency));
    }

    [TestCase("latency=80")]
    [TestCase("loss=120%")]
    [TestCase("speed=1")]
    [TestCase("latency")]
    public void Parse_Bad_ThrowsFormatException(string text) =>
        Assert.Throws<FormatException>(() => WsNetworkConditions.Parse(text));

    [Test]
    public async Task ServerWide_DataDelayedOnServerClock_PongAndHandshakeNot()
    {
        var time = new FakeTimeProvider();
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.TimeProvider = time;
            o.Heartbeat = HeartbeatPolicy.None;
            o.NetworkSimulation = WsNetworkConditions.Parse("latency=80ms");
        });

        // The handshake completes with the clock standing still: it is never delayed.
        await using var client = await RawClient.OpenAsync(server.Port);
        await client.SendAsync(ClientFrame.Text("echo me"));
        await client.SendAsync(ClientFrame.Ping("p"u8.ToArray()));

        var first = await client.ReadFrameAsync();
        Assert.That(first.Opcode, Is.EqualTo(ClientFrame.OpPong), "the pong passes the delayed echo");
        await Poll.UntilAsync(() => server.AllConnections.Single().Transport().SimulatedBytes > 0, "the echo waits on the link");

        time.Advance(TimeSpan.FromMilliseconds(79));
        Assert.That(server.AllConnections.Single().Transport().SimulatedBytes, Is.GreaterThan(0), "not before 80 ms");
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("echo me"));
    }

    [Test]
    public async Task PerConnection_OnlyThatConnectionIsDelayed()
    {
        var time = new FakeTimeProvider();
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.TimeProvider = time;
            o.Heartbeat = HeartbeatPolicy.None;
        });
        await using var slow = await RawClient.OpenAsync(server.Port);
        var slowConnection = await server.NextConnectionAsync();
        await using var fast = await RawClient.OpenAsync(server.Port);
        server.Server.SimulateNetwork(slowConnection, new WsNetworkConditions { Latency = TimeSpan.FromSeconds(1) });

        await slow.SendAsync(ClientFrame.Text("slow"));
        await fast.SendAsync(ClientFrame.Text("fast"));
        Assert.That(await fast.ReadTextAsync(), Is.EqualTo("fast"));
        await Poll.UntilAsync(() => slowConnection.Transport().SimulatedBytes > 0, "the slow echo waits on the link");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await slow.ReadTextAsync(), Is.EqualTo("slow"));

        server.Server.SimulateNetwork(slowConnection, null);
        await slow.SendAsync(ClientFrame.Text("now fast"));
        Assert.That(await slow.ReadTextAsync(), Is.EqualTo("now fast"));
    }

    [Test]
    public async Task ServerWide_LoggedAtStart()
    {
        using var logs = new RecordingLoggerFactory();
        await using var server = await RecordingServer.StartAsync(o =>
        {
            o.LoggerFactory = logs;
            o.NetworkSimulation = WsNetworkConditions.Parse("latency=80ms,loss=2%");
        });

        var line = await logs.WaitForAsync(230);
        Assert.That(line.Message, Does.Contain("latency=80ms"));
    }

    private sealed class RecordingOwner : ISimulatedLinkOwner
    {
        private readonly TimeProvider _time;

        public RecordingOwner(TimeProvider time) => _time = time;

        public List<string> Texts { get; } = new();

        public List<long> ReleasedAt { get; } = new();

        public void Release(ReadOnlySpan<byte> frame, WsDelivery delivery)
        {
            Texts.Add(System.Text.Encoding.UTF8.GetString(SharedCompressedFrame.PayloadOf(frame)));
            ReleasedAt.Add(_time.GetTimestamp());
        }
    }
}
