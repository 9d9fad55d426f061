using StackExchange.Redis;

namespace EmbedWs.Redis;

/// <summary>
/// The names of a cluster's channels and keys under one prefix. Channels carry no hash tag, so
/// with sharded pub/sub on a Redis Cluster the groups spread over the shards. The presence keys
/// share the tag <c>{prefix}</c>, so that one node's refresh is one transaction on one slot.
/// </summary>
internal sealed class RedisNames
{
    private readonly string _prefix;
    private readonly string _groupPrefix;

    public RedisNames(string prefix)
    {
        _prefix = prefix;
        _groupPrefix = prefix + ":group:";
        All = prefix + ":all";
    }

    /// <summary>Broadcasts: every node listens.</summary>
    public string All { get; }

    /// <summary>A group's sends: a node listens only while it has members.</summary>
    public string Group(string group) => _groupPrefix + group;

    /// <summary>The group whose channel <paramref name="channel"/> is (one of <see cref="Group"/>'s names).</summary>
    public string GroupOf(string channel) => channel.Substring(_groupPrefix.Length);

    /// <summary>Sends to one connection and closes, for one node.</summary>
    public string Node(string nodeId) => _prefix + ":node:" + nodeId;

    /// <summary>The set of the ids of the nodes that wrote presence.</summary>
    public RedisKey Nodes => "{" + _prefix + "}:nodes";

    /// <summary>One node's presence: a hash of <c>c</c> (connections) and <c>g:name</c> (a group's members), with a TTL.</summary>
    public RedisKey Presence(string nodeId) => "{" + _prefix + "}:presence:" + nodeId;

    public static RedisChannel Channel(string name, bool sharded) => sharded ? RedisChannel.Sharded(name) : RedisChannel.Literal(name);
}
