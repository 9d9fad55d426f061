using System;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Dispatch;
using EmbedWs.Transport;

namespace EmbedWs;

public sealed partial class WsServer
{
    /// <summary>A client completed the handshake. Raised before any of its messages.</summary>
    public event Action<IWsConnection>? OnConnect;

    /// <summary>
    /// A whole text or binary message arrived (text that a JSON route handles does not come
    /// here). <see cref="WsMessage.Data"/> is valid only until the handler returns.
    /// </summary>
    public event Action<IWsConnection, WsMessage>? OnMessage;

    /// <summary>A connection ended, for any reason; raised exactly once per OnConnect, last.</summary>
    public event Action<IWsConnection, WsCloseInfo>? OnClose;

    /// <summary>
    /// A handler (or the accept hook, the HTTP handler, a route) threw. The connection is given
    /// when there is one. The exception is also logged; the connection and the server go on.
    /// </summary>
    public event Action<IWsConnection?, Exception>? OnError;

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

    private ITextMessageHandler? _textHandler;

    /// <summary>The server's instruments; null before start. Routing records its errors here.</summary>
    internal EmbedWsMetrics? Metrics => _metrics;

    /// <summary>Handles text before OnMessage (the JSON router); installed once by the routing layer.</summary>
    internal ITextMessageHandler? TextHandler => Volatile.Read(ref _textHandler);

    /// <summary>The installed text handler, creating it on first use (thread-safe).</summary>
    internal T GetOrAddTextHandler<T>(Func<WsServer, T> create)
        where T : class, ITextMessageHandler
    {
        if (Volatile.Read(ref _textHandler) is T existing)
        {
            return existing;
        }

        Interlocked.CompareExchange(ref _textHandler, create(this), null);
        return _textHandler as T ?? throw new InvalidOperationException("Another text handler is installed.");
    }

    /// <summary>Raises OnMessage (for text the router passes on), containing handler exceptions.</summary>
    internal void RaiseMessage(IWsConnection connection, WsMessage message)
    {
        try
        {
            OnMessage?.Invoke(connection, message);
        }
        catch (Exception ex)
        {
            ReportError(nameof(OnMessage), connection, ex);
        }
    }

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

    /// <summary>Raises OnError for an exception its component has already logged (routing logs its own, at its own level); an OnError that throws is logged.</summary>
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

    /// <summary>Runs the user's handlers for one event; the dispatcher decides the thread.</summary>
    private sealed class HandlerRunner : IDispatchTarget
    {
        private readonly WsServer _server;

        public HandlerRunner(WsServer server) => _server = server;

        public void RunConnect(WsConnection connection)
        {
            long started = _server._metrics?.HandlerStarting() ?? 0;
            try
            {
                _server.OnConnect?.Invoke(connection);
            }
            catch (Exception ex)
            {
                _server.ReportError(nameof(OnConnect), connection, ex);
            }

            _server._metrics?.HandlerFinished(started, "connect");
        }

        public ValueTask RunMessageAsync(WsConnection connection, WsMessage message)
        {
            long started = _server._metrics?.HandlerStarting() ?? 0;
            if (message.IsText && _server.TextHandler is { } text)
            {
                try
                {
                    var handled = text.HandleAsync(connection, message);
                    if (!handled.IsCompletedSuccessfully)
                    {
                        return GuardAsync(handled, connection, started);
                    }
                }
                catch (Exception ex)
                {
                    _server.ReportError("text handler", connection, ex);
                }
            }
            else
            {
                _server.RaiseMessage(connection, message);
            }

            _server._metrics?.HandlerFinished(started, "message");
            return default;
        }

        private async ValueTask GuardAsync(ValueTask handled, WsConnection connection, long started)
        {
            try
            {
                await handled.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _server.ReportError("text handler", connection, ex);
            }

            _server._metrics?.HandlerFinished(started, "message");
        }

        public void ReportFailure(WsConnection connection, Exception exception) =>
            _server.ReportError("dispatch", connection, exception);

        public void RunClose(WsConnection connection, WsCloseInfo close)
        {
            _server.Groups.RemoveFromAll(connection);
            long started = _server._metrics?.HandlerStarting() ?? 0;
            try
            {
                _server.OnClose?.Invoke(connection, close);
            }
            catch (Exception ex)
            {
                _server.ReportError(nameof(OnClose), connection, ex);
            }

            _server._metrics?.HandlerFinished(started, "close");
        }
    }
}

/// <summary>Takes text messages before OnMessage. The routing layer implements it.</summary>
internal interface ITextMessageHandler
{
    /// <summary>Handles one text message; the payload is valid until the task completes. Never throws.</summary>
    ValueTask HandleAsync(IWsConnection connection, WsMessage message);
}
