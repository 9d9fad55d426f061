using System;
using System.Buffers;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Protocol;
using EmbedWs.Transport;

namespace EmbedWs;

// The server's side of a cluster: the backplane from the settings, cluster-wide connection ids
// (node:connection), sends and closes by such an id, and the cluster's presence counts.
public sealed partial class WsServer
{
    /// <summary>The node id of a server that has no backplane: its cluster-wide ids are <c>local:&lt;id&gt;</c>.</summary>
    public const string LocalNodeId = "local";

    // Null without a backplane: the broadcast path then tests one field and calls nothing.
    private IWsBackplane? _backplane;

    /// <summary>
    /// This server's node id in its cluster: <see cref="IWsBackplane.NodeId"/> of
    /// <see cref="WsServerOptions.Backplane"/>, or <see cref="LocalNodeId"/> without one.
    /// </summary>
    public string NodeId => (_backplane ?? _options.Backplane)?.NodeId ?? LocalNodeId;

    internal IWsBackplane? Backplane => _backplane;

    /// <summary>
    /// The cluster-wide id of one of this server's connections, <c>node:connection</c> (for
    /// example <c>eu-1:42</c>): hand it to any node's <see cref="SendTo(string, string)"/> or
    /// <see cref="CloseConnection"/>.
    /// </summary>
    /// <param name="connection">A connection of this server.</param>
    public string ClusterIdOf(IWsConnection connection) =>
        NodeId + ":" + Own(connection, nameof(connection)).Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Queues a text message to one connection of the cluster by its cluster-wide id: at once
    /// when it is this node's, through the backplane otherwise. False when it is this node's and
    /// not open (or its queue is full), or another node's and there is no backplane; true when
    /// queued here or handed to the backplane (at most once: the other node may have lost it).
    /// </summary>
    /// <param name="clusterId">A <c>node:connection</c> id from <see cref="ClusterIdOf"/>.</param>
    /// <param name="text">The message.</param>
    public bool SendTo(string clusterId, string text) =>
        SendToOne(clusterId, text ?? throw new ArgumentNullException(nameof(text)), default, default);

    /// <summary>
    /// Queues a text message to one connection of the cluster by its cluster-wide id with a
    /// delivery class (droppable or latest by key, docs/sending.md), applied by the node that
    /// holds the connection; otherwise as <see cref="SendTo(string, string)"/>. False when this
    /// node holds the connection and dropped the message; another node's drop shows only in its
    /// dropped count.
    /// </summary>
    /// <param name="clusterId">A <c>node:connection</c> id from <see cref="ClusterIdOf"/>.</param>
    /// <param name="text">The message.</param>
    /// <param name="delivery">Reliable, droppable or latest by key.</param>
    public bool SendTo(string clusterId, string text, WsDelivery delivery) =>
        SendToOne(clusterId, text ?? throw new ArgumentNullException(nameof(text)), default, delivery);

    /// <summary>Queues a binary message to one connection of the cluster by its cluster-wide id; as the text overload.</summary>
    /// <param name="clusterId">A <c>node:connection</c> id from <see cref="ClusterIdOf"/>.</param>
    /// <param name="data">The message.</param>
    public bool SendTo(string clusterId, ReadOnlyMemory<byte> data) => SendToOne(clusterId, null, data.Span, default);

    /// <summary>Queues a binary message to one connection of the cluster by its cluster-wide id with a delivery class; as the text overload.</summary>
    /// <param name="clusterId">A <c>node:connection</c> id from <see cref="ClusterIdOf"/>.</param>
    /// <param name="data">The message.</param>
    /// <param name="delivery">Reliable, droppable or latest by key.</param>
    public bool SendTo(string clusterId, ReadOnlyMemory<byte> data, WsDelivery delivery) => SendToOne(clusterId, null, data.Span, delivery);

    /// <summary>Queues the JSON message <c>{"type":type,"data":data}</c> to one connection of the cluster by its cluster-wide id; as <see cref="SendTo(string, string)"/>.</summary>
    /// <param name="clusterId">A <c>node:connection</c> id from <see cref="ClusterIdOf"/>.</param>
    /// <param name="type">The message type.</param>
    /// <param name="data">The payload.</param>
    public bool SendJsonTo(string clusterId, string type, object? data) => SendJsonTo(clusterId, type, data, default);

    /// <summary>Queues the JSON message <c>{"type":type,"data":data}</c> to one connection of the cluster by its cluster-wide id with a delivery class; as <see cref="SendTo(string, string, WsDelivery)"/>.</summary>
    /// <param name="clusterId">A <c>node:connection</c> id from <see cref="ClusterIdOf"/>.</param>
    /// <param name="type">The message type.</param>
    /// <param name="data">The payload.</param>
    /// <param name="delivery">Reliable, droppable or latest by key.</param>
    public bool SendJsonTo(string clusterId, string type, object? data, WsDelivery delivery)
    {
        var (node, id) = ParseClusterId(clusterId);
        byte[] frame = RentJsonFrame(type, data, out int length);
        try
        {
            return SendToOne(node, id, frame.AsSpan(0, length), delivery);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>
    /// Closes one connection of the cluster by its cluster-wide id, with <paramref name="code"/>
    /// (RFC 6455 §7.4): at once when it is this node's, through the backplane otherwise. The
    /// results are those of <see cref="SendTo(string, string)"/>.
    /// </summary>
    /// <param name="clusterId">A <c>node:connection</c> id from <see cref="ClusterIdOf"/>.</param>
    /// <param name="code">The close code: 1000-1003, 1007-1014 or 3000-4999.</param>
    /// <param name="reason">The close reason, or null.</param>
    public bool CloseConnection(string clusterId, ushort code = WsCloseCodes.NormalClosure, string? reason = null)
    {
        if (!WsCloseCodes.IsValidOnWire(code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "Use 1000-1003, 1007-1014 or 3000-4999 (RFC 6455 §7.4).");
        }

        var (node, id) = ParseClusterId(clusterId);
        if (string.Equals(node, NodeId, StringComparison.Ordinal))
        {
            if (!_connections.TryGetValue(id, out var connection))
            {
                return false;
            }

            connection.Close(code, reason);
            return true;
        }

        if (_backplane is not { } backplane)
        {
            return false;
        }

        backplane.PublishClose(node, id, code, reason);
        return true;
    }

    /// <summary>
    /// The number of open connections in the whole cluster: the backplane's presence count
    /// (approximate, refreshed by each node about once a second), or <see cref="ConnectionCount"/>
    /// without a backplane.
    /// </summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    public ValueTask<long> CountClusterConnectionsAsync(CancellationToken cancellationToken = default) =>
        _backplane is { } backplane ? backplane.CountConnectionsAsync(cancellationToken) : new ValueTask<long>(_connections.Count);

    /// <summary>The number of members of <paramref name="group"/> in the whole cluster; as <see cref="CountClusterConnectionsAsync"/>.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public ValueTask<long> CountClusterGroupMembersAsync(string group, CancellationToken cancellationToken = default) =>
        _backplane is { } backplane
            ? backplane.CountGroupMembersAsync(group ?? throw new ArgumentNullException(nameof(group)), cancellationToken)
            : new ValueTask<long>(Groups.Count(group));

    /// <summary>Queues an encoded frame to one connection, through the same primitive as a broadcast (the shared compressed frame included).</summary>
    internal static bool SendEncoded(ServerConnection connection, ReadOnlySpan<byte> frame, WsDelivery delivery = default)
    {
        var compressed = default(SharedCompressedFrame);
        try
        {
            return connection.Transport.SendShared(frame, ref compressed, delivery);
        }
        finally
        {
            compressed.Dispose();
        }
    }

    /// <summary>
    /// Takes the backplane from the options, frozen by now; its methods may be called from now on.
    /// (Not in WsSettings: the settings sit at the bottom of the layers, the backplane's
    /// interface speaks of the facade's WsBackplaneNode.)
    /// </summary>
    private void AttachBackplane() => _backplane = _options.Backplane;

    /// <summary>The end of <see cref="StartAsync"/>: starts the backplane, when there is one.</summary>
    private Task StartBackplaneAsync(CancellationToken cancellationToken) =>
        _backplane is { } backplane ? backplane.StartAsync(new WsBackplaneNode(this), cancellationToken) : Task.CompletedTask;

    /// <summary>The first step of <see cref="StopAsync"/>: the node leaves the cluster; a failure is reported, not thrown.</summary>
    private async Task StopBackplaneAsync(CancellationToken cancellationToken)
    {
        if (_backplane is not { } backplane)
        {
            return;
        }

        try
        {
            await backplane.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ReportError("backplane stop", null, e);
        }
    }

    internal void OnFirstLocalMember(string group) => _backplane?.OnFirstLocalMember(group);

    internal void OnLastLocalMemberLeft(string group) => _backplane?.OnLastLocalMemberLeft(group);

    private bool SendToOne(string clusterId, string? text, ReadOnlySpan<byte> binary, WsDelivery delivery)
    {
        var (node, id) = ParseClusterId(clusterId);
        byte[] frame = FrameWriter.RentFrame(text, binary, out int length);
        try
        {
            return SendToOne(node, id, frame.AsSpan(0, length), delivery);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private bool SendToOne(string node, long id, ReadOnlySpan<byte> frame, WsDelivery delivery)
    {
        // A node's own connection is served here, without a round trip through the backplane.
        if (string.Equals(node, NodeId, StringComparison.Ordinal))
        {
            return _connections.TryGetValue(id, out var connection) && SendEncoded(connection, frame, delivery);
        }

        if (_backplane is not { } backplane)
        {
            return false;
        }

        backplane.PublishToConnection(node, id, frame, delivery);
        return true;
    }

    private static (string Node, long Id) ParseClusterId(string clusterId)
    {
        if (clusterId is null)
        {
            throw new ArgumentNullException(nameof(clusterId));
        }

        int colon = clusterId.LastIndexOf(':');
        if (colon <= 0 || !long.TryParse(clusterId.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long id))
        {
            throw new ArgumentException($"'{clusterId}' is not a cluster-wide connection id (node:connection, e.g. \"{LocalNodeId}:42\").", nameof(clusterId));
        }

        return (clusterId.Substring(0, colon), id);
    }
}
