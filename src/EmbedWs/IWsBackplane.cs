using System;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs;

/// <summary>
/// Carries a server's broadcasts, group sends, sends to one connection and closes to the other
/// servers (nodes) of a cluster, and brings theirs back (docs/scale-out.md). Set it in
/// <see cref="WsServerOptions.Backplane"/>; with none (the default) a server sends only to its own
/// connections and pays nothing for the seam. EmbedWs.Redis is one implementation.
/// </summary>
/// <remarks>
/// The server calls the publish methods with the message already framed: one unmasked,
/// unfragmented RFC 6455 data frame (§5.2), encoded once. A node delivers its own messages to
/// its own connections itself, without a round trip: a backplane must not deliver a message back
/// to the node that published it. What the other nodes receive, a backplane hands to
/// <see cref="WsBackplaneNode"/>, which sends it through the same encode-once path as a local
/// broadcast. Every method may be called from any thread, concurrently; the publish methods are
/// on the caller's send path and must not block (queue, and count what cannot be sent).
/// Delivery is at most once; a backplane should keep the order of one node's messages.
/// Each frame comes with its <see cref="WsDelivery"/> (reliable, droppable, or latest by key with
/// its key): a backplane carries it and hands it back to the Deliver methods on the other nodes,
/// so a slow client there is treated as a slow client of the sending node would be.
/// </remarks>
public interface IWsBackplane
{
    /// <summary>This node's id in the cluster: the part before the colon of a cluster-wide connection id (<c>node:connection</c>).</summary>
    string NodeId { get; }

    /// <summary>
    /// Called once by <see cref="WsServer.StartAsync"/>, after the server listens. The group
    /// and publish methods may be called before it completes (connections may already open):
    /// a backplane remembers the groups and subscribes them once it can.
    /// </summary>
    /// <param name="node">Delivers what other nodes send to this server's connections.</param>
    /// <param name="cancellationToken">The start's token.</param>
    Task StartAsync(WsBackplaneNode node, CancellationToken cancellationToken);

    /// <summary>Called once by <see cref="WsServer.StopAsync"/>, before the clients are closed: leave the cluster.</summary>
    /// <param name="cancellationToken">The stop's token.</param>
    Task StopAsync(CancellationToken cancellationToken);

    /// <summary>Sends a frame to the connections of every other node.</summary>
    /// <param name="frame">One whole data frame; valid only during the call.</param>
    /// <param name="delivery">The send's delivery class, to be applied by the receiving nodes.</param>
    void PublishToAll(ReadOnlySpan<byte> frame, WsDelivery delivery);

    /// <summary>Sends a frame to the members of <paramref name="group"/> on every other node.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="frame">One whole data frame; valid only during the call.</param>
    /// <param name="delivery">The send's delivery class, to be applied by the receiving nodes.</param>
    void PublishToGroup(string group, ReadOnlySpan<byte> frame, WsDelivery delivery);

    /// <summary>Sends a frame to one connection of another node.</summary>
    /// <param name="nodeId">The node that holds the connection (never this one).</param>
    /// <param name="connectionId">The connection's id on that node.</param>
    /// <param name="frame">One whole data frame; valid only during the call.</param>
    /// <param name="delivery">The send's delivery class, to be applied by the receiving node.</param>
    void PublishToConnection(string nodeId, long connectionId, ReadOnlySpan<byte> frame, WsDelivery delivery);

    /// <summary>Asks another node to close one of its connections.</summary>
    /// <param name="nodeId">The node that holds the connection (never this one).</param>
    /// <param name="connectionId">The connection's id on that node.</param>
    /// <param name="code">A close code valid on the wire (RFC 6455 §7.4).</param>
    /// <param name="reason">The close reason, or null.</param>
    void PublishClose(string nodeId, long connectionId, ushort code, string? reason);

    /// <summary>
    /// The first local member joined <paramref name="group"/>: from now on this node wants the
    /// group's traffic. Called in order with <see cref="OnLastLocalMemberLeft"/> for one group,
    /// under the server's group lock: do not block.
    /// </summary>
    /// <param name="group">The group name.</param>
    void OnFirstLocalMember(string group);

    /// <summary>The last local member left <paramref name="group"/>: this node no longer wants its traffic. As <see cref="OnFirstLocalMember"/>.</summary>
    /// <param name="group">The group name.</param>
    void OnLastLocalMemberLeft(string group);

    /// <summary>Called on each tick of the server's timer (at least once a second): refresh presence, when due. Do not block.</summary>
    void OnTick();

    /// <summary>The number of open connections of the whole cluster, as last reported by each node (approximate).</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    ValueTask<long> CountConnectionsAsync(CancellationToken cancellationToken);

    /// <summary>The number of members of <paramref name="group"/> in the whole cluster, as last reported by each node (approximate).</summary>
    /// <param name="group">The group name.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    ValueTask<long> CountGroupMembersAsync(string group, CancellationToken cancellationToken);
}
