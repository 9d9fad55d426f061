using System;
using EmbedWs.Transport;

namespace EmbedWs;

public sealed partial class WsServer : IConnectionEvents
{
    /// <summary>A client completed the handshake. Raised before any of its messages.</summary>
    public event Action<IWsConnection>? OnConnect;

    /// <summary>
    /// A whole text or binary message arrived. <see cref="WsMessage.Data"/> is valid only
    /// until the handler returns.
    /// </summary>
    public event Action<IWsConnection, WsMessage>? OnMessage;

    /// <summary>A connection ended, for any reason; raised exactly once per OnConnect, last.</summary>
    public event Action<IWsConnection, WsCloseInfo>? OnClose;

    /// <summary>
    /// A handler (or the accept hook, or the HTTP handler) threw. The connection is given when
    /// there is one. The exception is also logged; the connection and the server go on.
    /// </summary>
    public event Action<IWsConnection?, Exception>? OnError;

    bool IConnectionEvents.IsStopping => System.Threading.Volatile.Read(ref _state) >= Stopping;

    void IConnectionEvents.OnOpened(WsConnection connection)
    {
        _connections[connection.Id] = connection;
        ServerLog.Opened(_logger, connection.Id, connection.Info.RemoteEndPoint?.ToString(), connection.Info.Path);
        if (OnConnect is { } handler)
        {
            try
            {
                handler(connection);
            }
            catch (Exception ex)
            {
                ReportHandlerError(nameof(OnConnect), connection, ex);
            }
        }

        // A handshake that passed its 503 check just before StopAsync took its snapshot of
        // the connections is closed here, so no connection outlives the server.
        if (System.Threading.Volatile.Read(ref _state) >= Stopping)
        {
            connection.StartClose(Protocol.WsCloseCodes.GoingAway, "server stopping", WsCloseCause.ServerStopping);
        }
    }

    void IConnectionEvents.OnMessage(WsConnection connection, in WsMessage message)
    {
        if (OnMessage is { } handler)
        {
            try
            {
                handler(connection, message);
            }
            catch (Exception ex)
            {
                ReportHandlerError(nameof(OnMessage), connection, ex);
            }
        }
    }

    void IConnectionEvents.OnPong(WsConnection connection, ReadOnlySpan<byte> payload)
    {
    }

    void IConnectionEvents.OnClosed(WsConnection connection, WsCloseInfo close)
    {
        _connections.TryRemove(connection.Id, out _);
        ServerLog.Closed(_logger, connection.Id, close.ToString());
        if (OnClose is { } handler)
        {
            try
            {
                handler(connection, close);
            }
            catch (Exception ex)
            {
                ReportHandlerError(nameof(OnClose), connection, ex);
            }
        }
    }

    void IConnectionEvents.OnError(WsConnection? connection, Exception exception) =>
        ReportHandlerError("accept or HTTP handler", connection, exception);

    private void ReportHandlerError(string handler, IWsConnection? connection, Exception exception)
    {
        ServerLog.HandlerFailed(_logger, handler, connection?.Id ?? 0, exception);
        if (OnError is { } onError)
        {
            try
            {
                onError(connection, exception);
            }
            catch (Exception inner)
            {
                ServerLog.ErrorHandlerFailed(_logger, inner);
            }
        }
    }
}
