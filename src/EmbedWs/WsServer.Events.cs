using System;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Routing;

namespace EmbedWs;

public sealed partial class WsServer : IRouteHost
{
    /// <summary>
    /// A client completed the handshake; raised before any of its messages. Add handlers with
    /// <c>+=</c>: synchronous (<c>conn =&gt; ...</c>) or asynchronous (<c>async conn =&gt; ...</c>,
    /// awaited: the connection's messages wait for it).
    /// </summary>
    public WsHandlers<IWsConnection> OnConnect
    {
        get => _onConnect;
        set => Keep(_onConnect, value);
    }

    /// <summary>
    /// A whole text or binary message arrived (text that a JSON route takes does not come here).
    /// Add handlers with <c>+=</c>, synchronous or asynchronous; an asynchronous one is awaited
    /// and the connection's next message waits for it. <see cref="WsMessage.Data"/> is valid only
    /// until the handler returns (or its task completes): copy what you keep.
    /// </summary>
    public WsHandlers<IWsConnection, WsMessage> OnMessage
    {
        get => _onMessage;
        set => Keep(_onMessage, value);
    }

    /// <summary>
    /// A connection ended, for any reason; raised exactly once per OnConnect, last. Add handlers
    /// with <c>+=</c>, synchronous or asynchronous (awaited).
    /// </summary>
    public WsHandlers<IWsConnection, WsCloseInfo> OnClose
    {
        get => _onClose;
        set => Keep(_onClose, value);
    }

    /// <summary>
    /// A handler (or the accept hook, the HTTP handler, a route, the heartbeat policy) threw. The
    /// connection is given when there is one. The exception is also logged; the connection and
    /// the server go on.
    /// </summary>
    public event Action<IWsConnection?, Exception>? OnError;

    private readonly WsHandlers<IWsConnection> _onConnect = new();
    private readonly WsHandlers<IWsConnection, WsMessage> _onMessage = new();
    private readonly WsHandlers<IWsConnection, WsCloseInfo> _onClose = new();

    /// <summary>
    /// Runs up to <paramref name="maxEvents"/> waiting events (connects, messages, closes, and
    /// continuations of async handlers) on the calling thread, and returns how many ran. Only
    /// with <c>Dispatch = EventDispatch.Queued</c>; call it from your loop, e.g. once per tick.
    /// </summary>
    /// <param name="maxEvents">The most events to run in this call.</param>
    public int PumpEvents(int maxEvents = int.MaxValue)
    {
        var dispatcher = _dispatcher ?? throw new InvalidOperationException("Start the server before pumping its events.");
        return dispatcher.Pump(maxEvents);
    }

    /// <summary>Events waiting to run (ThreadPool and Queued dispatch).</summary>
    public int PendingEvents => _dispatcher?.PendingEvents ?? 0;

    /// <summary>One message, as dispatch runs it: text to the routes once one is registered, else OnMessage.</summary>
    internal ValueTask HandleMessageAsync(ServerConnection connection, WsMessage message) =>
        message.IsText && _router.HasRoutes && (_settings!.RoutePath is not { } path || path == connection.Info.Path)
            ? _router.HandleAsync(connection, message)
            : _onMessage.InvokeAsync(connection, message, connection, nameof(OnMessage));

    ValueTask IRouteHost.RaiseMessageAsync(IWsConnection connection, WsMessage message) =>
        _onMessage.InvokeAsync(connection, message, (ServerConnection)connection, nameof(OnMessage));

    void IRouteHost.SendText(IWsConnection connection, ReadOnlySpan<byte> utf8) => ((ServerConnection)connection).SendText(utf8);

    /// <summary>
    /// Reports an exception from user code: log, then OnError (whose own exceptions are only
    /// logged). A cancellation thrown once the connection is closing (a handler that awaited
    /// <see cref="IWsConnection.Closed"/>) is control flow: logged at Debug, not raised.
    /// </summary>
    internal void ReportError(string handler, IWsConnection? connection, Exception exception)
    {
        if (exception is OperationCanceledException && connection is { State: not WsConnectionState.Open })
        {
            ServerLog.HandlerCancelled(_logger, handler, connection.Id);
            return;
        }

        ServerLog.HandlerFailed(_logger, handler, connection?.Id ?? 0, exception);
        RaiseError(connection, exception);
    }

    /// <summary>Raises OnError for an exception its component has already logged; an OnError that throws is logged.</summary>
    internal void RaiseError(IWsConnection? connection, Exception exception)
    {
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

    void IRouteHost.RaiseError(IWsConnection? connection, Exception exception) => RaiseError(connection, exception);

    // The handler lists are changed with += and -=, which give back the same list: any other
    // list (or null) is a mistake, and silently dropping the handlers would hide it.
    private static void Keep<T>(T current, T value)
        where T : class
    {
        if (!ReferenceEquals(current, value))
        {
            throw new InvalidOperationException("Add handlers with += and remove them with -=; the handler list itself cannot be replaced.");
        }
    }
}
