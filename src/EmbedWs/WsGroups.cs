using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using EmbedWs.Protocol;
using EmbedWs.Transport;

namespace EmbedWs;

/// <summary>
/// Named groups of connections (rooms, channels, teams). Safe from any thread. A closed
/// connection leaves all its groups; a group with no members disappears.
/// </summary>
public sealed class WsGroups
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, IWsConnection>> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, byte>> _membership = new();

    private readonly object _gate = new();

    internal WsGroups(WsServer server) => Server = server;

    internal WsServer Server { get; }

    /// <summary>The names of the groups that have members.</summary>
    public IReadOnlyCollection<string> Names => _groups.Keys.ToArray();

    /// <summary>How many groups have members (for the server's snapshot).</summary>
    internal int GroupCount => _groups.Count;

    /// <summary>Adds a connection to a group (creating it); false when it was already a member or is closed.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="group">The group name.</param>
    public bool Add(IWsConnection connection, string group)
    {
        Check(connection, group);
        if (connection.State == WsConnectionState.Closed)
        {
            return false;
        }

        bool added;
        lock (_gate)
        {
            added = _groups.GetOrAdd(group, _ => new ConcurrentDictionary<long, IWsConnection>()).TryAdd(connection.Id, connection);
            _membership.GetOrAdd(connection.Id, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal))[group] = 0;
        }

        // Closed while being added: undo, so a closed connection is in no group.
        if (connection.State == WsConnectionState.Closed)
        {
            RemoveFromAll(connection);
            return false;
        }

        return added;
    }

    /// <summary>Removes a connection from a group; false when it was not a member.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="group">The group name.</param>
    public bool Remove(IWsConnection connection, string group)
    {
        Check(connection, group);
        lock (_gate)
        {
            if (_membership.TryGetValue(connection.Id, out var mine))
            {
                mine.TryRemove(group, out _);
                if (mine.IsEmpty)
                {
                    _membership.TryRemove(connection.Id, out _);
                }
            }

            return RemoveMember(group, connection.Id);
        }
    }

    /// <summary>The members of a group (a snapshot; empty for an unknown group).</summary>
    /// <param name="group">The group name.</param>
    public IReadOnlyCollection<IWsConnection> Members(string group) =>
        _groups.TryGetValue(group, out var members) ? members.Values.ToArray() : Array.Empty<IWsConnection>();

    /// <summary>The number of members of a group.</summary>
    /// <param name="group">The group name.</param>
    public int Count(string group) => _groups.TryGetValue(group, out var members) ? members.Count : 0;

    /// <summary>The groups a connection belongs to.</summary>
    /// <param name="connection">The connection.</param>
    public IReadOnlyCollection<string> GroupsOf(IWsConnection connection) =>
        _membership.TryGetValue(connection.Id, out var mine) ? mine.Keys.ToArray() : Array.Empty<string>();

    /// <summary>Sends a text message to every member of a group, encoded once; returns how many it was queued to.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="text">The message.</param>
    /// <param name="except">A member to leave out (typically the sender); null for none.</param>
    public ValueTask<int> SendAsync(string group, string text, IWsConnection? except = null)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        if (!_groups.TryGetValue(group, out var members))
        {
            return new ValueTask<int>(0);
        }

        byte[] frame = FrameWriter.RentFrame(text, default, out int length);
        try
        {
            return new ValueTask<int>(WsServer.SendFrame(members.Values, frame.AsSpan(0, length), except));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Removes a closed connection from every group it was in.</summary>
    internal void RemoveFromAll(IWsConnection connection)
    {
        lock (_gate)
        {
            if (!_membership.TryRemove(connection.Id, out var mine))
            {
                return;
            }

            foreach (var group in mine.Keys)
            {
                RemoveMember(group, connection.Id);
            }
        }
    }

    // Called under the lock, so that a group is not removed while another thread adds to it.
    private bool RemoveMember(string group, long id)
    {
        if (!_groups.TryGetValue(group, out var members) || !members.TryRemove(id, out _))
        {
            return false;
        }

        if (members.IsEmpty)
        {
            _groups.TryRemove(group, out _);
        }

        return true;
    }

    private static void Check(IWsConnection connection, string group)
    {
        if (connection is null)
        {
            throw new ArgumentNullException(nameof(connection));
        }

        if (string.IsNullOrEmpty(group))
        {
            throw new ArgumentException("A group needs a name.", nameof(group));
        }
    }
}
