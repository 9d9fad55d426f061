using System.Collections.Generic;
using System.Linq;
using EmbedWs.Redis;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Redis;

/// <summary>
/// Servers in this test process, each a node of one cluster on the test's redis-server, each with
/// its own backplane and its own connection to Redis. Disposing stops them all.
/// </summary>
internal sealed class RedisNodes : IAsyncDisposable
{
    private readonly List<(RecordingServer Server, RedisBackplane Backplane)> _nodes = new();

    public RecordingServer this[int i] => _nodes[i].Server;

    public RedisBackplane Backplane(int i) => _nodes[i].Backplane;

    public IEnumerable<RedisBackplane> Backplanes => _nodes.Select(n => n.Backplane);

    public static Task<RedisNodes> StartAsync(RedisProcess redis, int count, Action<RedisBackplaneOptions>? configure = null, Action<WsServerOptions>? server = null) =>
        StartAsync(redis.ConnectionString, count, configure, server);

    /// <summary>Nodes on any Redis deployment (one server, or the seed list of a Redis Cluster).</summary>
    public static async Task<RedisNodes> StartAsync(string connectionString, int count, Action<RedisBackplaneOptions>? configure = null, Action<WsServerOptions>? server = null)
    {
        var nodes = new RedisNodes();
        for (int i = 1; i <= count; i++)
        {
            var options = new RedisBackplaneOptions { ConnectionString = connectionString, NodeId = "n" + i };
            configure?.Invoke(options);
            var backplane = new RedisBackplane(options);
            var node = await RecordingServer.StartAsync(o =>
            {
                o.Backplane = backplane;
                server?.Invoke(o);
            });
            nodes._nodes.Add((node, backplane));
        }

        await nodes.WaitJoinedAsync();
        return nodes;
    }

    /// <summary>Every node connected, with its broadcast and own channel subscribed.</summary>
    public Task WaitJoinedAsync(TimeSpan? within = null) =>
        Poll.UntilAsync(() => Backplanes.All(b => b.IsConnected && b.SubscribedChannels >= 2), "every node should join the cluster", within);

    public async ValueTask DisposeAsync()
    {
        foreach (var (server, backplane) in _nodes)
        {
            await server.DisposeAsync();
            await backplane.DisposeAsync();
        }
    }
}
