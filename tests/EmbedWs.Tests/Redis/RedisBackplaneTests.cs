using System.Linq;
using System.Net.WebSockets;
using EmbedWs.Redis;
using EmbedWs.Tests.TestSupport;
using StackExchange.Redis;

namespace EmbedWs.Tests.Redis;

/// <summary>
/// RedisBackplane on a real redis-server the test starts: three servers in this process, each a
/// node with its own connection to Redis, and clients over real sockets. Ignored without
/// redis-server locally (apt-get install -y redis-server); required in CI.
/// </summary>
public class RedisBackplaneTests
{
    private RedisProcess _redis = null!;

    [SetUp]
    public async Task StartRedis() => _redis = await RedisProcess.StartAsync();

    [TearDown]
    public void StopRedis() => _redis?.Dispose();

    [Test]
    public async Task ThreeNodes_BroadcastGroupAndSendToOne_ReachTheRightClients_ExactlyOnce_InOrder()
    {
        await using var nodes = await RedisNodes.StartAsync(_redis, 3);
        var clients = new JsonClient[3];
        var connections = new IWsConnection[3];
        for (int i = 0; i < 3; i++)
        {
            clients[i] = await JsonClient.ConnectAsync(nodes[i].Port);
            connections[i] = await nodes[i].NextConnectionAsync();
        }

        // Members of "red" on nodes 2 and 3 only.
        nodes[1].Server.Groups.Add(connections[1], "red");
        nodes[2].Server.Groups.Add(connections[2], "red");
        await Poll.UntilAsync(() => nodes.Backplane(1).SubscribedChannels == 3 && nodes.Backplane(2).SubscribedChannels == 3, "nodes 2 and 3 subscribe the group's channel");

        for (int n = 1; n <= 20; n++)
        {
            nodes[0].Server.Broadcast("all " + n);
            nodes[0].Server.Groups.Send("red", "red " + n);
        }

        Assert.That(nodes[0].Server.SendTo("n3:" + connections[2].Id, "to three"), Is.True);
        Assert.That(nodes[2].Server.SendTo(nodes[2].Server.ClusterIdOf(connections[2]), "from home"), Is.True);
        nodes[0].Server.Broadcast("end");

        var expected = new[]
        {
            Enumerable.Range(1, 20).Select(n => "all " + n).Append("end").ToArray(),
            Enumerable.Range(1, 20).SelectMany(n => new[] { "all " + n, "red " + n }).Append("end").ToArray(),
            Enumerable.Range(1, 20).SelectMany(n => new[] { "all " + n, "red " + n }).Append("from home").Append("to three").Append("end").ToArray(),
        };
        for (int i = 0; i < 3; i++)
        {
            var got = new System.Collections.Generic.List<string>();
            while (got.Count < expected[i].Length)
            {
                got.Add(await clients[i].ReceiveTextAsync());
            }

            // Each once; in order per sender and channel (Redis keeps no order across the
            // broadcast, group and node channels, so each stream is checked on its own).
            Assert.That(got, Is.EquivalentTo(expected[i]), $"client {i + 1}: each message once, nothing else");
            Assert.That(got.Where(m => m.StartsWith("all ") || m == "end"), Is.EqualTo(expected[i].Where(m => m.StartsWith("all ") || m == "end")), $"client {i + 1}: broadcasts in order");
            Assert.That(got.Where(m => m.StartsWith("red ")), Is.EqualTo(expected[i].Where(m => m.StartsWith("red "))), $"client {i + 1}: group sends in order");
        }

        Assert.That(nodes.Backplane(0).Received, Is.Zero, "node 1's own messages never came back to it");
        Assert.That(nodes.Backplanes.Sum(b => b.Lost + b.Dropped), Is.Zero);

        // Nothing arrives twice later: the next message on the broadcast channel is the next one sent.
        nodes[1].Server.Broadcast("last");
        for (int i = 0; i < 3; i++)
        {
            Assert.That(await clients[i].ReceiveTextAsync(), Is.EqualTo("last"), $"client {i + 1}: no duplicate before the next broadcast");
        }

        foreach (var c in clients)
        {
            c.Dispose();
        }
    }

    [Test]
    public async Task CloseConnection_OnAnotherNode_ClosesWithTheCode()
    {
        await using var nodes = await RedisNodes.StartAsync(_redis, 2);
        using var client = await JsonClient.ConnectAsync(nodes[1].Port);
        var connection = await nodes[1].NextConnectionAsync();

        Assert.That(nodes[0].Server.CloseConnection(nodes[1].Server.ClusterIdOf(connection), 4001, "moved"), Is.True);

        Assert.That(await client.ReceiveCloseAsync(), Is.EqualTo(((WebSocketCloseStatus?)4001, (string?)"moved")));
    }

    [Test]
    public async Task Presence_ConnectionsAndGroupMembers_ConvergeWithin2Seconds()
    {
        await using var nodes = await RedisNodes.StartAsync(_redis, 3);
        var clients = new System.Collections.Generic.List<JsonClient>();
        for (int i = 0; i < 3; i++)
        {
            for (int k = 0; k <= i; k++)
            {
                clients.Add(await JsonClient.ConnectAsync(nodes[i].Port));
                var connection = await nodes[i].NextConnectionAsync();
                nodes[i].Server.Groups.Add(connection, k == 0 ? "lobby" : "room " + i);
            }
        }

        // 1 + 2 + 3 connections; "lobby" has one member per node.
        var converge = TimeSpan.FromSeconds(2);
        await PollCountAsync(() => nodes[0].Server.CountClusterConnectionsAsync(), 6, "connections after the joins", converge);
        await PollCountAsync(() => nodes[2].Server.CountClusterGroupMembersAsync("lobby"), 3, "lobby members after the joins", converge);
        await PollCountAsync(() => nodes[1].Server.CountClusterGroupMembersAsync("room 2"), 2, "room 2 members after the joins", converge);

        await clients[^1].CloseAsync();
        await clients[0].CloseAsync();

        await PollCountAsync(() => nodes[1].Server.CountClusterConnectionsAsync(), 4, "connections after two leaves", converge);
        await PollCountAsync(() => nodes[1].Server.CountClusterGroupMembersAsync("lobby"), 2, "lobby members after a leave", converge);
        await PollCountAsync(() => nodes[0].Server.CountClusterGroupMembersAsync("room 2"), 1, "room 2 members after a leave", converge);
        foreach (var c in clients)
        {
            c.Dispose();
        }
    }

    [Test]
    public async Task GroupWithMembersOnOneNode_OtherNodesGetNoneOfItsTraffic()
    {
        await using var nodes = await RedisNodes.StartAsync(_redis, 3);
        using var client = await JsonClient.ConnectAsync(nodes[0].Port);
        var member = await nodes[0].NextConnectionAsync();
        nodes[0].Server.Groups.Add(member, "solo");
        await Poll.UntilAsync(() => nodes.Backplane(0).SubscribedChannels == 3, "node 1 subscribes the group's channel");

        for (int n = 0; n < 50; n++)
        {
            nodes[1].Server.Groups.Send("solo", "m" + n);
        }

        for (int n = 0; n < 50; n++)
        {
            Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("m" + n));
        }

        Assert.That(nodes.Backplane(0).IsSharded, Is.True, "Redis 7: sharded pub/sub");
        var subscribers = (RedisResult[])(await _redis.ExecuteAsync("PUBSUB", "SHARDNUMSUB", "embedws:group:solo"))!;
        Assert.That((long)subscribers[1], Is.EqualTo(1), "Redis's own count: one node subscribes the group's channel");
        Assert.That(nodes.Backplane(1).Received + nodes.Backplane(2).Received, Is.Zero, "nodes 2 and 3 received none of it");
        Assert.That(nodes.Backplanes.Sum(b => b.SubscribedChannels), Is.EqualTo(7), "2 per node, and the group's on node 1 only");

        // The last member leaves: node 1 unsubscribes.
        nodes[0].Server.Groups.Remove(member, "solo");
        await Poll.UntilAsync(async () => (long)((RedisResult[])(await _redis.ExecuteAsync("PUBSUB", "SHARDNUMSUB", "embedws:group:solo"))!)[1] == 0,
            "the group's channel has no subscriber once its last member left");
    }

    [Test]
    public async Task RedisKilled_ClientsStay_LocalDeliveryGoesOn_LossCounted_RestartedResumesWithin5Seconds()
    {
        await using var nodes = await RedisNodes.StartAsync(_redis, 2);
        using var a = await JsonClient.ConnectAsync(nodes[0].Port);
        var first = await nodes[0].NextConnectionAsync();
        using var b = await JsonClient.ConnectAsync(nodes[1].Port);
        var second = await nodes[1].NextConnectionAsync();
        nodes[0].Server.Groups.Add(first, "g");
        nodes[1].Server.Groups.Add(second, "g");
        await Poll.UntilAsync(() => nodes.Backplanes.All(p => p.SubscribedChannels == 3), "both nodes subscribe the group");
        nodes[0].Server.Broadcast("before");
        Assert.That(await b.ReceiveTextAsync(), Is.EqualTo("before"));
        Assert.That(await a.ReceiveTextAsync(), Is.EqualTo("before"));

        _redis.Kill();
        await Poll.UntilAsync(() => nodes.Backplanes.All(p => !p.IsConnected), "both nodes see Redis gone");

        Assert.That(nodes[0].Server.Broadcast("during"), Is.EqualTo(1), "local delivery goes on");
        Assert.That(nodes[0].Server.Groups.Send("g", "during group"), Is.EqualTo(1));
        Assert.That(await a.ReceiveTextAsync(), Is.EqualTo("during"));
        Assert.That(await a.ReceiveTextAsync(), Is.EqualTo("during group"));
        Assert.That(nodes.Backplane(0).Lost, Is.EqualTo(2), "what was meant for other nodes is lost, and counted");
        Assert.That(first.State, Is.EqualTo(WsConnectionState.Open));
        Assert.That(second.State, Is.EqualTo(WsConnectionState.Open));

        await _redis.RestartAsync();
        var resumed = System.Diagnostics.Stopwatch.StartNew();
        await Poll.UntilAsync(() => nodes.Backplanes.All(p => p.IsConnected), "both nodes reconnect", TimeSpan.FromSeconds(5));
        // Subscriptions restored: Redis's own counts, on the fresh server.
        await Poll.UntilAsync(async () => await ShardSubscribersAsync("embedws:group:g") == 2 && await ShardSubscribersAsync("embedws:all") == 2,
            "both nodes subscribe the broadcast and group channels again", TimeSpan.FromSeconds(5) - resumed.Elapsed);
        nodes[0].Server.Groups.Send("g", "after group");
        nodes[1].Server.Broadcast("after");

        // Each client gets its own node's message at once and the other's through Redis; nothing
        // of the outage arrives late.
        Assert.That(new[] { await a.ReceiveTextAsync(), await a.ReceiveTextAsync() }, Is.EquivalentTo(new[] { "after group", "after" }));
        Assert.That(new[] { await b.ReceiveTextAsync(), await b.ReceiveTextAsync() }, Is.EquivalentTo(new[] { "after group", "after" }), "cross-node delivery resumed");
        Assert.That(resumed.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task PlainPubSub_WhenChosen_CarriesTheSameTraffic()
    {
        await using var nodes = await RedisNodes.StartAsync(_redis, 2, o => { o.ShardedPubSub = false; o.ChannelPrefix = "app2"; });
        using var client = await JsonClient.ConnectAsync(nodes[1].Port);
        var connection = await nodes[1].NextConnectionAsync();
        nodes[1].Server.Groups.Add(connection, "g");
        await Poll.UntilAsync(() => nodes.Backplane(1).SubscribedChannels == 3, "node 2 subscribes the group");

        nodes[0].Server.Groups.SendJson("g", "chat", new { text = "hi" });
        nodes[0].Server.SendTo(nodes[1].Server.ClusterIdOf(connection), new byte[] { 7 });

        // Two channels (the group's and the node's): no common order between them (docs/scale-out.md).
        var received = new[] { await client.ReceiveAsync(), await client.ReceiveAsync() };
        Assert.That(received, Is.EquivalentTo(new[]
        {
            (WebSocketMessageType.Text, System.Text.Encoding.UTF8.GetBytes("{\"type\":\"chat\",\"data\":{\"text\":\"hi\"}}")),
            (WebSocketMessageType.Binary, new byte[] { 7 }),
        }));
        Assert.That(nodes.Backplane(0).IsSharded, Is.False);
        var plain = (RedisResult[])(await _redis.ExecuteAsync("PUBSUB", "NUMSUB", "app2:group:g"))!;
        Assert.That((long)plain[1], Is.EqualTo(1), "a plain channel under the prefix");
    }

    private async Task<long> ShardSubscribersAsync(string channel)
    {
        try
        {
            return (long)((RedisResult[])(await _redis.ExecuteAsync("PUBSUB", "SHARDNUMSUB", channel))!)[1];
        }
        catch (RedisConnectionException)
        {
            return -1;
        }
    }

    private static async Task PollCountAsync(Func<ValueTask<long>> count, long expected, string what, TimeSpan within)
    {
        long last = -1;
        await Poll.UntilAsync(async () => (last = await count()) == expected, $"{what}: {expected} expected", within);
        Assert.That(last, Is.EqualTo(expected));
    }
}
