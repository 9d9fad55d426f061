using System;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Protocol;
using EmbedWs.Transport;

namespace EmbedWs;

/// <summary>The transport's events, passed on to the heartbeat and the dispatcher.</summary>
public sealed partial class WsServer : IConnectionEvents
{
    bool IConnectionEvents.IsStopping => Volatile.Read(ref _state) >= Stopping;

    void IConnectionEvents.OnOpened(WsConnection connection)
    {
        _connections[connection.Id] = connection;
        _metrics!.Opened();
        ServerLog.Opened(_logger, connection.Id, connection.Info.RemoteEndPoint?.ToString(), connection.Info.Path);
        _dispatcher!.Connect(connection);

        // A handshake that passed its 503 check just before StopAsync took its snapshot of
        // the connections is closed here, so no connection outlives the server.
        if (Volatile.Read(ref _state) >= Stopping)
        {
            connection.StartClose(WsCloseCodes.GoingAway, "server stopping", WsCloseCause.ServerStopping);
        }
    }

    ValueTask IConnectionEvents.OnMessageAsync(WsConnection connection, WsMessage message)
    {
        // JSON pings of the heartbeat are answered here, on the I/O path, even while the
        // handlers are busy or waiting for PumpEvents.
        if (message.IsText && _heartbeat!.OnText(connection, message.Data.Span))
        {
            return default;
        }

        return _dispatcher!.MessageAsync(connection, message);
    }

    void IConnectionEvents.OnPong(WsConnection connection, ReadOnlySpan<byte> payload) => _heartbeat!.OnPong(connection, payload);

    void IConnectionEvents.OnClosed(WsConnection connection, WsCloseInfo close)
    {
        // Removes the connection from _connections and moves its traffic into the totals in one step.
        _metrics!.Ended(connection, close);
        ServerLog.Closed(_logger, connection.Id, close.ToString());
        _dispatcher!.Close(connection, close);
    }

    void IConnectionEvents.OnError(WsConnection? connection, Exception exception) =>
        ReportError("accept or HTTP handler", connection, exception);
}
