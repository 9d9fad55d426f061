using System;
using StackExchange.Redis;

namespace EmbedWs.Redis;

/// <summary>The options of a <see cref="RedisBackplane"/>: where Redis is, how this node is named, how its channels and keys are prefixed.</summary>
public sealed class RedisBackplaneOptions
{
    private string _channelPrefix = "embedws";
    private TimeSpan _presenceTtl = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A StackExchange.Redis connection string, e.g. <c>localhost:6379</c>. The backplane then owns
    /// its connection: it connects in the background (a Redis that is down does not fail the
    /// start), fails publishes fast instead of queueing them while disconnected, reconnects with
    /// exponential backoff (0.1 s, up to 2 s), and closes it when disposed. Ignored when
    /// <see cref="Connection"/> is set.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// A connection the app already has (used instead of <see cref="ConnectionString"/>); the
    /// backplane does not close it. Configure it with <c>AbortOnConnectFail = false</c>; the
    /// backplane never publishes while it is disconnected (that is counted as lost), whatever
    /// its backlog policy.
    /// </summary>
    public IConnectionMultiplexer? Connection { get; set; }

    /// <summary>
    /// The prefix of every channel and key, so that several apps (or environments) share one
    /// Redis: <c>embedws</c> by default. Nodes of one cluster use the same prefix.
    /// </summary>
    public string ChannelPrefix
    {
        get => _channelPrefix;
        set => _channelPrefix = string.IsNullOrEmpty(value) || value.IndexOfAny(new[] { '{', '}', ' ' }) >= 0
            ? throw new ArgumentException("A channel prefix is not empty and has no braces or spaces.", nameof(value))
            : value;
    }

    /// <summary>
    /// This node's id, unique in the cluster: the first part of its cluster-wide connection ids
    /// (<c>node:connection</c>). Null (the default): the machine name and a random suffix, new at
    /// each start of the process.
    /// </summary>
    public string? NodeId { get; set; }

    /// <summary>
    /// Use Redis 7's sharded pub/sub (SSUBSCRIBE, SPUBLISH): null (the default) decides from the
    /// server's version when the node first connects; true or false forces it. Every node of a
    /// cluster must end up with the same choice.
    /// </summary>
    public bool? ShardedPubSub { get; set; }

    /// <summary>
    /// How long a node's presence (its connection count and group member counts) outlives its
    /// last refresh: 10 s by default. Each node refreshes it about once a second from its
    /// server's tick, so a node that died stops counting after this long.
    /// </summary>
    public TimeSpan PresenceTtl
    {
        get => _presenceTtl;
        set => _presenceTtl = value >= TimeSpan.FromSeconds(2) ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "At least 2 seconds: a node refreshes its presence about once a second.");
    }
}
