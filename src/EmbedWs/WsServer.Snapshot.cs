using System;
using System.Collections.Generic;

namespace EmbedWs;

public sealed partial class WsServer
{
    /// <summary>
    /// The server's counts and one entry per open connection, as they are now: for a status
    /// page. Safe from any thread. It allocates one entry per connection and holds each
    /// connection's queue locks only to read a length, so calling it every second costs the
    /// traffic nothing noticeable. Before start every count is 0; after stop the totals stay as
    /// they ended.
    /// </summary>
    public WsServerSnapshot GetSnapshot()
    {
        var metrics = _metrics;
        var now = (_settings?.TimeProvider ?? _options.TimeProvider).GetUtcNow();
        if (metrics is null)
        {
            return new WsServerSnapshot(now, 0, 0, 0, 0, 0, 0, 0, 0, Groups.GroupCount, Array.Empty<WsConnectionSnapshot>());
        }

        var connections = new List<WsConnectionSnapshot>(_connections.Count);
        foreach (var pair in _connections)
        {
            connections.Add(Describe(pair.Value));
        }

        connections.Sort(static (a, b) => a.Id.CompareTo(b.Id));

        // Totals after the connections: a connection that ended meanwhile is still counted.
        var traffic = Traffic();
        return new WsServerSnapshot(now, connections.Count, metrics.ConnectionsOpened, metrics.ConnectionsClosed,
            metrics.HandshakesRejected, traffic.MessagesReceived, traffic.MessagesSent, traffic.BytesReceived,
            traffic.BytesSent, Groups.GroupCount, connections)
        {
            MessagesDropped = metrics.MessagesDropped,
            MessagesReplaced = metrics.MessagesReplaced,
        };
    }

    private static WsConnectionSnapshot Describe(ServerConnection c)
    {
        var transport = c.Transport;
        var traffic = transport.Traffic;
        return new WsConnectionSnapshot(c.Id, c.Info.RemoteEndPoint, c.Info.Path, c.State, transport.ConnectedAt, c.RoundTripTime,
            transport.QueuedBytes, c.InboundQueueBytes,
            traffic.MessagesReceived, traffic.MessagesSent, traffic.BytesReceived, traffic.BytesSent,
            transport.IsCongested, transport.MessagesDropped, transport.MessagesReplaced);
    }
}
