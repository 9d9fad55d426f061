using System.Collections.Generic;
using System.Linq;
using EmbedWs.Redis;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Redis;

/// <summary>
/// Delivery classes across nodes (docs/scale-out.md, docs/sending.md) on a real redis-server:
/// node A sends, a client of node B that stops reading gets what it would get from a send made on
/// B itself. Ignored without redis-server locally (apt-get install -y redis-server); required in CI.
/// </summary>
public class RedisDeliveryClassTests
{
    private const int Max = 256 * 1024;
    private const int Soft = 32 * 1024;

    private RedisProcess _redis = null!;

    [SetUp]
    public async Task StartRedis() => _redis = await RedisProcess.StartAsync();

    [TearDown]
    public void StopRedis() => _redis?.Dispose();

    [TestCase(false)]
    [TestCase(true)] // WsDelivery.Latest(long): the number crosses nodes as a number
    public async Task LatestBroadcastFromA_SlowClientOnB_GetsNewestValuePerKey_ReliableInOrder_StaysConnected(bool numericKeys)
    {
        const int keys = 8;
        await using var nodes = await StartNodesAsync();
        var (slow, connection) = await StalledClient.OpenAsync(nodes[1]);
        await using var _ = slow;
        var a = nodes[0].Server;
        var received = nodes.Backplane(1);

        // Latest-by-key state from node A, with a reliable tick every 25 rounds, until node B's
        // queue for its stalled client has replaced plenty. Paced on what B received, so that
        // Redis never holds more than a few hundred messages for B.
        int round = 0;
        int ticks = 0;
        long sent = 0;
        for (; connection.MessagesReplaced < 300; round++)
        {
            Assert.That(round, Is.LessThan(20_000), "no message was ever replaced on node B");
            for (int k = 0; k < keys; k++)
            {
                a.Broadcast(StalledClient.Update(k, round), numericKeys ? WsDelivery.Latest((long)k) : WsDelivery.Latest("k" + k));
            }

            sent += keys;
            if (round % 25 == 0)
            {
                a.Broadcast("tick " + ticks++);
                sent++;
            }

            if (round % 10 == 9)
            {
                await Poll.UntilAsync(() => received.Received >= sent, "node B receives what node A sent");
            }
        }

        int last = round - 1;
        a.Broadcast("end");
        await Poll.UntilAsync(() => received.Received >= sent + 1, "node B receives the end");
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open), "latest-by-key traffic never closes a slow client");
        Assert.That(connection.MessagesDropped, Is.Zero);
        Assert.That(connection.SendQueueBytes, Is.LessThan(Max));

        // The client reads again: each key's values rise and end at the newest sent, and every
        // reliable tick arrives once, in order, before the end.
        var seen = Enumerable.Repeat(-1, keys).ToArray();
        var gotTicks = new List<string>();
        for (string text; (text = await slow.ReadTextAsync()) != "end";)
        {
            if (text.StartsWith("tick ", StringComparison.Ordinal))
            {
                gotTicks.Add(text);
                continue;
            }

            var (k, v) = StalledClient.Parse(text);
            Assert.That(v, Is.GreaterThan(seen[k]), $"key {k}: values out of order");
            seen[k] = v;
        }

        Assert.That(seen, Is.All.EqualTo(last), "each key's final state on node B's slow client is the newest value");
        Assert.That(gotTicks, Is.EqualTo(Enumerable.Range(0, ticks).Select(n => "tick " + n)), "reliable messages: each once, in order");
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
        Assert.That(nodes.Backplanes.Sum(b => b.Lost + b.Dropped), Is.Zero);
    }

    [Test]
    public async Task DroppableGroupSendFromA_SlowClientOnB_DroppedAndCountedOnB_StaysConnected()
    {
        await using var nodes = await StartNodesAsync();
        var (slow, connection) = await StalledClient.OpenAsync(nodes[1]);
        await using var _ = slow;
        nodes[1].Server.Groups.Add(connection, "cursor");
        await Poll.UntilAsync(() => nodes.Backplane(1).SubscribedChannels == 3, "node B subscribes the group's channel");
        var a = nodes[0].Server;
        var received = nodes.Backplane(1);

        int sent = 0;
        while (connection.MessagesDropped < 100)
        {
            Assert.That(sent, Is.LessThan(100_000), "node B never dropped a message for its stalled client");
            a.Groups.Send("cursor", $"{sent++}:{StalledClient.Pad}", WsDelivery.Droppable);
            if (sent % 20 == 0)
            {
                await Poll.UntilAsync(() => received.Received >= sent, "node B receives what node A sent");
            }
        }

        a.Groups.Send("cursor", "end");
        await Poll.UntilAsync(() => received.Received >= sent + 1, "node B receives everything");

        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
        Assert.That(connection.IsCongested, Is.True);
        long dropped = connection.MessagesDropped;
        Assert.That(nodes[1].Server.GetSnapshot().MessagesDropped, Is.EqualTo(dropped), "counted in node B's metrics");
        Assert.That(nodes[0].Server.GetSnapshot().MessagesDropped, Is.Zero, "node A had no client to drop for");

        // What was not dropped arrives in order, and dropped + delivered is exactly what was sent.
        int previous = -1;
        int delivered = 0;
        for (string text; (text = await slow.ReadTextAsync()) != "end";)
        {
            int n = int.Parse(text.AsSpan(0, text.IndexOf(':')), provider: null);
            Assert.That(n, Is.GreaterThan(previous), "in order");
            previous = n;
            delivered++;
        }

        Assert.That(delivered + dropped, Is.EqualTo(sent), "every droppable message was either delivered or counted as dropped");
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
    }

    [Test]
    public async Task LatestSendToFromA_SlowClientOnB_GetsNewestValuePerKey_StaysConnected()
    {
        const int keys = 4;
        await using var nodes = await StartNodesAsync();
        var (slow, connection) = await StalledClient.OpenAsync(nodes[1]);
        await using var _ = slow;
        string clusterId = nodes[1].Server.ClusterIdOf(connection);
        var a = nodes[0].Server;
        var received = nodes.Backplane(1);

        // Send-to-one by cluster id from node A, latest by key: node B's queue replaces.
        int round = 0;
        long sent = 0;
        for (; connection.MessagesReplaced < 100; round++)
        {
            Assert.That(round, Is.LessThan(20_000), "no message was ever replaced on node B");
            for (int k = 0; k < keys; k++)
            {
                Assert.That(a.SendTo(clusterId, StalledClient.Update(k, round), WsDelivery.Latest("k" + k)), Is.True, "handed to the backplane");
            }

            sent += keys;
            if (round % 10 == 9)
            {
                await Poll.UntilAsync(() => received.Received >= sent, "node B receives what node A sent");
            }
        }

        int last = round - 1;
        a.SendJsonTo(clusterId, "end", null, WsDelivery.Reliable);
        await Poll.UntilAsync(() => received.Received >= sent + 1, "node B receives the end");
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));

        var seen = Enumerable.Repeat(-1, keys).ToArray();
        for (string text; !(text = await slow.ReadTextAsync()).StartsWith("{\"type\":\"end\"", StringComparison.Ordinal);)
        {
            var (k, v) = StalledClient.Parse(text);
            Assert.That(v, Is.GreaterThan(seen[k]), $"key {k}: values out of order");
            seen[k] = v;
        }

        Assert.That(seen, Is.All.EqualTo(last), "each key's final state is the newest value sent to the connection");
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
    }

    private Task<RedisNodes> StartNodesAsync() => RedisNodes.StartAsync(_redis, 2, server: o =>
    {
        o.MaxSendQueueBytes = Max;
        o.SendQueueSoftLimitBytes = Soft;
    });
}
