using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using StackExchange.Redis;

namespace EmbedWs.Redis;

/// <summary>
/// Approximate cluster-wide counts from per-node keys: each node writes its connection count and
/// its groups' member counts into a hash of its own with a TTL, and refreshes the TTL well within
/// it; a node that dies stops counting when its key expires. A refresh writes only the counts that
/// changed since the last one (a group that emptied is deleted from the hash), so a node with many
/// groups writes a few fields a tick, not all of them; the whole hash is written the first time,
/// after Redis came back, and when the key expired meanwhile. A count sums the hashes of the nodes
/// in the node set, and removes from the set the nodes whose key expired. Members are never
/// listed across nodes.
/// </summary>
internal sealed class RedisPresence
{
    private const string ConnectionsField = "c";

    private readonly RedisNames _names;
    private readonly string _nodeId;
    private readonly TimeSpan _ttl;
    private readonly long _refreshEvery;

    // What the hash holds, as far as this node knows: only the refresh (one at a time) touches it.
    private Dictionary<string, long> _written = new(StringComparer.Ordinal);
    private long _writtenAt;
    private int _invalidated = 1;
    private int _refreshing;
    private int _again;
    private long _fieldsWritten;

    public RedisPresence(RedisNames names, string nodeId, TimeSpan ttl)
    {
        _names = names;
        _nodeId = nodeId;
        _ttl = ttl;
        _refreshEvery = (long)(Stopwatch.Frequency * ttl.TotalSeconds / 3);
    }

    /// <summary>Fields written or deleted in Redis so far (for tests: what a refresh costs).</summary>
    public long FieldsWritten => Interlocked.Read(ref _fieldsWritten);

    /// <summary>The next refresh writes the whole hash (Redis came back, maybe empty).</summary>
    public void Invalidate() => Volatile.Write(ref _invalidated, 1);

    /// <summary>Writes the counts that changed, or the whole hash when due; refreshes the TTL when a third of it passed. One at a time; never blocks.</summary>
    public async Task RefreshAsync(IDatabase db, WsServer server)
    {
        // A tick that comes while a refresh is under way is not skipped: it asks for one more
        // refresh after it, so a change made just after a refresh read the counts is written
        // within the next tick, not the one after (presence converges within about a tick).
        Volatile.Write(ref _again, 1);
        while (Volatile.Read(ref _again) != 0 && Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            try
            {
                while (Interlocked.Exchange(ref _again, 0) != 0)
                {
                    await RefreshOnceAsync(db, server).ConfigureAwait(false);
                }
            }
            finally
            {
                Volatile.Write(ref _refreshing, 0);
            }
        }
    }

    private async Task RefreshOnceAsync(IDatabase db, WsServer server)
    {
        try
        {
            var counts = new Dictionary<string, long>(StringComparer.Ordinal) { [ConnectionsField] = server.ConnectionCount };
            foreach (var group in server.Groups.Names)
            {
                int count = server.Groups.Count(group);
                if (count > 0)
                {
                    counts["g:" + group] = count;
                }
            }

            // An incremental write asks for the key to exist: when it expired meanwhile (this node
            // was cut off from Redis longer than the TTL), the whole hash is written at once.
            bool whole = Interlocked.Exchange(ref _invalidated, 0) != 0;
            if (!await WriteAsync(db, counts, whole).ConfigureAwait(false)
                && (whole || !await WriteAsync(db, counts, whole: true).ConfigureAwait(false)))
            {
                Invalidate();
            }
        }
        catch
        {
            Invalidate();
            throw;
        }
    }

    private async Task<bool> WriteAsync(IDatabase db, Dictionary<string, long> counts, bool whole)
    {
        var set = new List<HashEntry>();
        var deleted = new List<RedisValue>();
        foreach (var pair in counts)
        {
            if (whole || !_written.TryGetValue(pair.Key, out long was) || was != pair.Value)
            {
                set.Add(new HashEntry(pair.Key, pair.Value));
            }
        }

        if (!whole)
        {
            foreach (var field in _written.Keys)
            {
                if (!counts.ContainsKey(field))
                {
                    deleted.Add(field);
                }
            }
        }

        long now = Stopwatch.GetTimestamp();
        if (!whole && set.Count == 0 && deleted.Count == 0 && now - _writtenAt < _refreshEvery)
        {
            return true;
        }

        var key = _names.Presence(_nodeId);
        var transaction = db.CreateTransaction();
        if (whole)
        {
            _ = transaction.KeyDeleteAsync(key);
        }
        else
        {
            transaction.AddCondition(Condition.KeyExists(key));
        }

        if (set.Count > 0)
        {
            _ = transaction.HashSetAsync(key, set.ToArray());
        }

        if (deleted.Count > 0)
        {
            _ = transaction.HashDeleteAsync(key, deleted.ToArray());
        }

        _ = transaction.KeyExpireAsync(key, _ttl);
        _ = transaction.SetAddAsync(_names.Nodes, _nodeId);
        if (!await transaction.ExecuteAsync().ConfigureAwait(false))
        {
            return false;
        }

        _written = counts;
        _writtenAt = now;
        Interlocked.Add(ref _fieldsWritten, set.Count + deleted.Count);
        return true;
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
