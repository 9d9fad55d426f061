using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading.Tasks;
using StackExchange.Redis;

namespace EmbedWs.Redis;

/// <summary>
/// Approximate cluster-wide counts from per-node keys: each node writes its connection count and
/// its groups' member counts into a hash of its own with a TTL, rewritten when they change and
/// refreshed well within the TTL; a node that dies stops counting when its key expires. A count
/// sums the hashes of the nodes in the node set, and removes from the set the nodes whose key
/// expired. Members are never listed across nodes.
/// </summary>
internal sealed class RedisPresence
{
    private const string ConnectionsField = "c";

    private readonly RedisNames _names;
    private readonly string _nodeId;
    private readonly TimeSpan _ttl;
    private readonly long _refreshEvery;
    private string? _written;
    private long _writtenAt;
    private int _refreshing;

    public RedisPresence(RedisNames names, string nodeId, TimeSpan ttl)
    {
        _names = names;
        _nodeId = nodeId;
        _ttl = ttl;
        _refreshEvery = (long)(Stopwatch.Frequency * ttl.TotalSeconds / 3);
    }

    /// <summary>The next refresh writes even when nothing changed (Redis came back, maybe empty).</summary>
    public void Invalidate() => _written = null;

    /// <summary>Writes this node's counts when they changed or the key is a third of its TTL old. One at a time; never blocks.</summary>
    public async Task RefreshAsync(IDatabase db, WsServer server)
    {
        if (System.Threading.Interlocked.Exchange(ref _refreshing, 1) != 0)
        {
            return;
        }

        try
        {
            var fields = new List<HashEntry> { new(ConnectionsField, server.ConnectionCount) };
            var signature = new StringBuilder().Append(server.ConnectionCount);
            foreach (var group in server.Groups.Names)
            {
                int count = server.Groups.Count(group);
                fields.Add(new HashEntry("g:" + group, count));
                signature.Append('\n').Append(group).Append('=').Append(count);
            }

            string written = signature.ToString();
            long now = Stopwatch.GetTimestamp();
            if (written == _written && now - _writtenAt < _refreshEvery)
            {
                return;
            }

            var key = _names.Presence(_nodeId);
            var transaction = db.CreateTransaction();
            _ = transaction.KeyDeleteAsync(key);
            _ = transaction.HashSetAsync(key, fields.ToArray());
            _ = transaction.KeyExpireAsync(key, _ttl);
            _ = transaction.SetAddAsync(_names.Nodes, _nodeId);
            if (await transaction.ExecuteAsync().ConfigureAwait(false))
            {
                _written = written;
                _writtenAt = now;
            }
        }
        finally
        {
            System.Threading.Volatile.Write(ref _refreshing, 0);
        }
    }

    /// <summary>Removes this node's presence (at stop).</summary>
    public Task RemoveAsync(IDatabase db)
    {
        var transaction = db.CreateTransaction();
        _ = transaction.KeyDeleteAsync(_names.Presence(_nodeId));
        _ = transaction.SetRemoveAsync(_names.Nodes, _nodeId);
        return transaction.ExecuteAsync();
    }

    /// <summary>The cluster's connections (<paramref name="group"/> null) or a group's members.</summary>
    public async Task<long> CountAsync(IDatabase db, string? group)
    {
        var nodes = await db.SetMembersAsync(_names.Nodes).ConfigureAwait(false);
        var fields = group is null ? new RedisValue[] { ConnectionsField } : new RedisValue[] { ConnectionsField, "g:" + group };
        var reads = new Task<RedisValue[]>[nodes.Length];
        for (int i = 0; i < nodes.Length; i++)
        {
            reads[i] = db.HashGetAsync(_names.Presence(nodes[i]!), fields);
        }

        long sum = 0;
        for (int i = 0; i < nodes.Length; i++)
        {
            var values = await reads[i].ConfigureAwait(false);
            if (values[0].IsNull)
            {
                // Every live node writes its connection count: this one's key expired (it died).
                _ = db.SetRemoveAsync(_names.Nodes, nodes[i], CommandFlags.FireAndForget);
                continue;
            }

            sum += values[values.Length - 1].TryParse(out long n) ? n : 0;
        }

        return sum;
    }
}
