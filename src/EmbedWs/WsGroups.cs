using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using EmbedWs.Protocol;

namespace EmbedWs;

/// <summary>
/// Named groups of connections (rooms, channels, teams). Safe from any thread. A connection
/// leaves all its groups the moment it closes (before OnClose, in every dispatch mode); a group
/// with no members disappears.
/// </summary>
public sealed partial class WsGroups
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, ServerConnection>> _groups = new(StringComparer.Ordinal);

    // Guards membership changes: a group is never removed while another thread adds to it, and a
    // connection's own set of group names (ServerConnection.GroupNames) changes with the groups.
    private readonly object _gate = new();
    private readonly WsServer _server;

    internal WsGroups(WsServer server) => _server = server;

    /// <summary>The names of the groups that have members.</summary>
    public IReadOnlyCollection<string> Names => _groups.Keys.ToArray();

    /// <summary>How many groups have members (for the server's snapshot).</summary>
    internal int GroupCount => _groups.Count;

    /// <summary>Adds a connection to a group (creating it); false when it was already a member or is no longer open.</summary>
    /// <param name="connection">A connection of this server.</param>
    /// <param name="group">The group name.</param>
    public bool Add(IWsConnection connection, string group)
    {
        var own = Check(connection, group);
        lock (_gate)
        {
            // Checked under the gate: the close takes the gate to leave every group, so a
            // connection that ends now is either refused here or removed right after.
            if (own.LeftGroups)
            {
                return false;
            }

            (own.GroupNames ??= new HashSet<string>(StringComparer.Ordinal)).Add(group);
            if (!_groups.TryGetValue(group, out var members))
            {
                members = _groups[group] = new ConcurrentDictionary<long, ServerConnection>();
                _server.OnFirstLocalMember(group);
            }

            return members.TryAdd(own.Id, own);
        }
    }

    /// <summary>Removes a connection from a group; false when it was not a member.</summary>
    /// <param name="connection">A connection of this server.</param>
    /// <param name="group">The group name.</param>
    public bool Remove(IWsConnection connection, string group)
    {
        var own = Check(connection, group);
        lock (_gate)
        {
            own.GroupNames?.Remove(group);
            return RemoveMember(group, own.Id);
        }
    }

    /// <summary>The members of a group (a snapshot; empty for an unknown group).</summary>
    /// <param name="group">The group name.</param>
    public IReadOnlyCollection<IWsConnection> Members(string group) =>
        _groups.TryGetValue(group, out var members) ? members.Values.ToArray() : Array.Empty<IWsConnection>();

    /// <summary>The number of members of a group.</summary>
    /// <param name="group">The group name.</param>
    public int Count(string group) => _groups.TryGetValue(group, out var members) ? members.Count : 0;

    /// <summary>The groups a connection belongs to (a snapshot).</summary>
    /// <param name="connection">A connection of this server.</param>
    public IReadOnlyCollection<string> GroupsOf(IWsConnection connection)
    {
        var own = _server.Own(connection, nameof(connection));
        lock (_gate)
        {
            return own.GroupNames is { Count: > 0 } names ? names.ToArray() : Array.Empty<string>();
        }
    }

    /// <summary>Queues a text message to every member of a group, encoded once; returns how many it was queued to.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="text">The message.</param>
    /// <param name="except">A member to leave out (typically the sender); null for none.</param>
    public int Send(string group, string text, IWsConnection? except = null) =>
        SendFrame(group, text ?? throw new ArgumentNullException(nameof(text)), default, except);

    /// <summary>Queues a binary message to every member of a group, encoded once; returns how many it was queued to.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="data">The message.</param>
    /// <param name="except">A member to leave out; null for none.</param>
    public int Send(string group, ReadOnlyMemory<byte> data, IWsConnection? except = null) => SendFrame(group, null, data.Span, except);

    /// <summary>
    /// Queues the JSON message <c>{"type":type,"data":data}</c> to every member of a group,
    /// serialized and encoded once; returns how many it was queued to.
    /// </summary>
    /// <param name="group">The group name.</param>
    /// <param name="type">The message type.</param>
    /// <param name="data">The payload.</param>
    /// <param name="except">A member to leave out; null for none.</param>
    public int SendJson(string group, string type, object? data, IWsConnection? except = null) => SendJsonCore(group, type, data, default, except);

    private int SendJsonCore(string group, string type, object? data, WsDelivery delivery, IWsConnection? except)
    {
        if (group is null)
        {
            throw new ArgumentNullException(nameof(group));
        }

        var backplane = _server.Backplane;
        if (!_groups.TryGetValue(group, out var members) && backplane is null)
        {
            return 0;
        }

        byte[] frame = _server.RentJsonFrame(type, data, out int length);
        try
        {
            backplane?.PublishToGroup(group, frame.AsSpan(0, length), delivery);
            return members is null ? 0 : WsServer.SendFrame(members, frame.AsSpan(0, length), except, delivery);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Removes a closed connection from every group it was in; it can join none after.</summary>
    internal void RemoveFromAll(ServerConnection connection)
    {
        lock (_gate)
        {
            connection.LeftGroups = true;
            if (connection.GroupNames is not { } names)
            {
                return;
            }

            foreach (var group in names)
            {
                RemoveMember(group, connection.Id);
            }

            connection.GroupNames = null;
        }
    }

    private int SendFrame(string group, string? text, ReadOnlySpan<byte> binary, IWsConnection? except, WsDelivery delivery = default)
    {
        if (group is null)
        {
            throw new ArgumentNullException(nameof(group));
        }

        var backplane = _server.Backplane;
        if (!_groups.TryGetValue(group, out var members) && backplane is null)
        {
            return 0;
        }

        byte[] frame = FrameWriter.RentFrame(text, binary, out int length);
        try
        {
            // Other nodes' members get the same encoded frame; this node's get it here, with no round trip.
            backplane?.PublishToGroup(group, frame.AsSpan(0, length), delivery);
            return members is null ? 0 : WsServer.SendFrame(members, frame.AsSpan(0, length), except, delivery);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Queues a frame that arrived from another node to this server's members of a group.</summary>
    internal int SendEncoded(string group, ReadOnlySpan<byte> frame, WsDelivery delivery) =>
        _groups.TryGetValue(group, out var members) ? WsServer.SendFrame(members, frame, except: null, delivery) : 0;

    // Called under the gate, so that a group is not removed while another thread adds to it.
    private bool RemoveMember(string group, long id)
    {
        if (!_groups.TryGetValue(group, out var members) || !members.TryRemove(id, out _))
        {
            return false;
        }

        if (members.IsEmpty)
        {
            _groups.TryRemove(group, out _);
            _server.OnLastLocalMemberLeft(group);
        }

        return true;
    }

    private ServerConnection Check(IWsConnection connection, string group)
    {
        if (string.IsNullOrEmpty(group))
        {
            throw new ArgumentException("A group needs a name.", nameof(group));
        }

        return _server.Own(connection, nameof(connection));
    }
}
