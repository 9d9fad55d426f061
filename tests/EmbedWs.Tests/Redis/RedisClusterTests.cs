using System.Collections.Generic;
using System.Linq;
using EmbedWs.Tests.TestSupport;
using StackExchange.Redis;

namespace EmbedWs.Tests.Redis;

/// <summary>
/// RedisBackplane on a real Redis Cluster the test makes (three masters): three EmbedWs nodes,
/// each with its own connection to the cluster, over sharded pub/sub. Ignored without
/// redis-server and redis-cli locally (apt-get install -y redis-server redis-tools); required in CI.
/// </summary>
public class RedisClusterTests
{
    // Enough groups that their channels land on more than one shard (16,384 slots over three masters).
    private static readonly string[] s_groups = Enumerable.Range(0, 12).Select(i => "room" + i).ToArray();

    private RedisCluster _cluster = null!;

    [SetUp]
    public async Task StartCluster() => _cluster = await RedisCluster.StartAsync();

    [TearDown]
    public void StopCluster() => _cluster?.Dispose();

    [Test]
    public async Task ThreeNodes_BroadcastGroupsSendToOneAndPresence_WorkOverShardedPubSub()
    {
        await using var nodes = await RedisNodes.StartAsync(_cluster.ConnectionString, 3);
        Assert.That(nodes.Backplanes.All(b => b.IsSharded), Is.True, "Redis 7 cluster: sharded pub/sub");
        var clients = new JsonClient[3];
        var connections = new IWsConnection[3];
        for (int i = 0; i < 3; i++)
        {
            clients[i] = await JsonClient.ConnectAsync(nodes[i].Port);
            connections[i] = await nodes[i].NextConnectionAsync();
        }

        // Every group has members on nodes 2 and 3; none on node 1, which sends.
        foreach (var group in s_groups)
        {
            nodes[1].Server.Groups.Add(connections[1], group);
            nodes[2].Server.Groups.Add(connections[2], group);
        }

        int channels = 2 + s_groups.Length;
        await Poll.UntilAsync(() => nodes.Backplane(1).SubscribedChannels == channels && nodes.Backplane(2).SubscribedChannels == channels,
            "nodes 2 and 3 subscribe every group's channel");

        // Redis's own counts: each channel is subscribed on the shard that owns its slot alone,
        // by the two nodes with members, and the groups spread over more than one shard.
        var perShard = new long[_cluster.Ports.Count];
        foreach (var group in s_groups)
        {
            var counts = await ShardSubscribersAsync("embedws:group:" + group);
            Assert.That(counts.Sum(), Is.EqualTo(2), $"{group}: two nodes subscribe, on one shard");
            Assert.That(counts.Count(c => c > 0), Is.EqualTo(1), $"{group}: one shard holds its channel");
            for (int s = 0; s < counts.Length; s++)
            {
                perShard[s] += counts[s];
            }
        }

        Assert.That(perShard.Count(c => c > 0), Is.GreaterThan(1), "the groups' channels spread over the shards: " + string.Join(",", perShard));

        for (int n = 1; n <= 10; n++)
        {
            nodes[0].Server.Broadcast("all " + n);
        }

        foreach (var group in s_groups)
        {
            nodes[0].Server.Groups.Send(group, group);
        }

        Assert.That(nodes[0].Server.SendTo(nodes[2].Server.ClusterIdOf(connections[2]), "to three"), Is.True);
        Assert.That(nodes[1].Server.SendJsonTo(nodes[0].Server.ClusterIdOf(connections[0]), "hi", 1), Is.True);

        var broadcasts = Enumerable.Range(1, 10).Select(n => "all " + n).ToArray();
        var expected = new[]
        {
            broadcasts.Append("{\"type\":\"hi\",\"data\":1}").ToArray(),
            broadcasts.Concat(s_groups).ToArray(),
            broadcasts.Concat(s_groups).Append("to three").ToArray(),
        };
        for (int i = 0; i < 3; i++)
        {
            var got = new List<string>();
            while (got.Count < expected[i].Length)
            {
                got.Add(await clients[i].ReceiveTextAsync());
            }

            Assert.That(got, Is.EquivalentTo(expected[i]), $"client {i + 1}: each message once, nothing else");
            Assert.That(got.Where(m => m.StartsWith("all ", StringComparison.Ordinal)), Is.EqualTo(broadcasts), $"client {i + 1}: broadcasts in order");
        }

        // Presence: one hash tag for every presence key, so each refresh is one transaction on one slot.
        var converge = TimeSpan.FromSeconds(2);
        await PollCountAsync(() => nodes[0].Server.CountClusterConnectionsAsync(), 3, "connections", converge);
        await PollCountAsync(() => nodes[0].Server.CountClusterGroupMembersAsync("room3"), 2, "room3 members", converge);
        nodes[2].Server.Groups.Remove(connections[2], "room3");
        await clients[1].CloseAsync();
        await PollCountAsync(() => nodes[2].Server.CountClusterConnectionsAsync(), 2, "connections after a leave", converge);
        await PollCountAsync(() => nodes[1].Server.CountClusterGroupMembersAsync("room3"), 0, "room3 members after both left", converge);

        Assert.That(nodes.Backplanes.Sum(b => b.Lost + b.Dropped), Is.Zero);
        foreach (var c in clients)
        {
            c.Dispose();
        }
    }

    private async Task<long[]> ShardSubscribersAsync(string channel) =>
        (await _cluster.ExecuteOnEachAsync("PUBSUB", "SHARDNUMSUB", channel)).Select(r => (long)((RedisResult[])r!)[1]).ToArray();

    private static async Task PollCountAsync(Func<ValueTask<long>> count, long expected, string what, TimeSpan within)
    {
        long last = -1;
        await Poll.UntilAsync(async () => (last = await count()) == expected, $"{what}: {expected} expected", within);
        Assert.That(last, Is.EqualTo(expected));
    }
}
