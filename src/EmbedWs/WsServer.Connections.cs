using System;
using System.Collections.Generic;
using EmbedWs.Dashboard;
using EmbedWs.Transport;

namespace EmbedWs;

// The server's side of its connections: adopting them from the transport, the table of open
// ones, and the traffic totals of those that ended.
public sealed partial class WsServer : IConnectionAcceptor
{
    private readonly object _totalsLock = new();
    private WsTraffic _ended;

    bool IConnectionAcceptor.IsStopping => IsStopping;

    IConnectionHandler IConnectionAcceptor.Adopt(WsConnection connection, IDictionary<string, object?>? items) =>
        _dashboard is not null && DashboardGate.IsViewer(items) ? _dashboard.Adopt(connection)
        : new ServerConnection(this, connection, _dispatcher!, items);

    void IConnectionAcceptor.OnError(Exception exception) => ReportError("accept or HTTP handler", null, exception);

    /// <summary>A connection opened: into the table, counted, logged. Raised by its read loop before OnConnect.</summary>
    internal void Opened(ServerConnection connection)
    {
        _connections[connection.Id] = connection;
        _metrics!.Opened();
        ServerLog.Opened(_logger, connection.Id, connection.Info.RemoteEndPoint?.ToString(), connection.Info.Path);

        // A handshake that passed its 503 check just before StopAsync took its snapshot of the
        // connections is closed here, so no connection outlives the server.
        if (IsStopping)
        {
            connection.Transport.StartClose(WsCloseCodes.GoingAway, "server stopping", WsCloseCause.ServerStopping);
        }
    }

    /// <summary>
    /// A connection ended: out of the table and every group, its traffic moved into the totals in
    /// the same step (a sum never counts it twice or not at all), counted and logged. Raised by
    /// its read loop before OnClose is dispatched.
    /// </summary>
    internal void Ended(ServerConnection connection, WsCloseInfo close)
    {
        lock (_totalsLock)
        {
            if (_connections.TryRemove(connection.Id, out _))
            {
                _ended = _ended.Add(connection.Transport.Traffic);
            }
        }

        Groups.RemoveFromAll(connection);
        _metrics!.Ended(close);
        _dashboard?.Closes.Add(close);
        ServerLog.Closed(_logger, connection.Id, close.ToString());
    }

    /// <summary>Messages and bytes of every connection so far: the ended ones and the open ones.</summary>
    internal WsTraffic Traffic()
    {
        lock (_totalsLock)
        {
            var sum = _ended;
            foreach (var pair in _connections)
            {
                sum = sum.Add(pair.Value.Transport.Traffic);
            }

            return sum;
        }
    }

    /// <summary>The server's connection behind <paramref name="connection"/>; throws for one of another server.</summary>
    internal ServerConnection Own(IWsConnection connection, string paramName) =>
        connection is ServerConnection own && ReferenceEquals(own.Server, this) ? own
        : connection is null ? throw new ArgumentNullException(paramName)
        : throw new ArgumentException($"Connection {connection.Id} is not one of this server's connections.", paramName);
}
