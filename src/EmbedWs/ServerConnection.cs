using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Dispatch;
using EmbedWs.Json;
using EmbedWs.Protocol;
using EmbedWs.Transport;

namespace EmbedWs;

/// <summary>
/// The server's own state for one connection, and the <see cref="IWsConnection"/> users hold:
/// the transport connection (socket pump and protocol session) it owns, the way to its handlers
/// (dispatch), its heartbeat state, its groups and the user's items. The layers below see it only
/// through their own small interfaces; nothing below holds the server's state or casts up to it.
/// </summary>
internal sealed class ServerConnection : IWsConnection, IConnectionHandler, IHandlerTarget, IHeartbeatTarget, IHandlerFailures
{
    private readonly WsServer _server;
    private readonly WsConnection _transport;
    private readonly ConnectionDispatch _dispatch;
    private ConcurrentDictionary<string, object?>? _items;
    private long _roundTripTicks = -1;

    // When the handler running now began to wait (a timestamp), 0 when none is waiting: the
    // server's tick closes the connection once it is older than HandlerTimeout.
    private long _handlerSince;
    private int _handlerTimedOut;

    public ServerConnection(WsServer server, WsConnection transport, EventDispatcher dispatcher, IDictionary<string, object?>? items)
    {
        _server = server;
        _transport = transport;
        _dispatch = dispatcher.Open(this);
        RateLimit = InboundRateLimitFor(server.Settings);
        server.SimulateOnOpen(transport);
        if (items is { Count: > 0 })
        {
            foreach (var pair in items)
            {
                Items[pair.Key] = pair.Value;
            }
        }
    }

    public long Id => _transport.Id;

    public WsConnectionInfo Info => _transport.Info;

    public WsConnectionState State => _transport.State;

    public IDictionary<string, object?> Items
    {
        get
        {
            var items = Volatile.Read(ref _items);
            if (items is null)
            {
                Interlocked.CompareExchange(ref _items, new ConcurrentDictionary<string, object?>(), null);
                items = _items;
            }

            return items!;
        }
    }

    public TimeSpan? RoundTripTime
    {
        get
        {
            long ticks = Volatile.Read(ref _roundTripTicks);
            return ticks < 0 ? null : TimeSpan.FromTicks(ticks);
        }

        set => Volatile.Write(ref _roundTripTicks, value?.Ticks ?? -1);
    }

    public CancellationToken Closed => _transport.Closed;

    /// <summary>The server that owns the connection.</summary>
    internal WsServer Server => _server;

    /// <summary>The socket pump and protocol session.</summary>
    internal WsConnection Transport => _transport;

    /// <summary>The groups this connection is in; guarded by the server's <see cref="WsGroups"/>.</summary>
    internal HashSet<string>? GroupNames { get; set; }

    /// <summary>Set when the connection ended and left its groups: it can join none after; guarded by <see cref="WsGroups"/>.</summary>
    internal bool LeftGroups { get; set; }

    /// <summary>The heartbeat policy's own state (<see cref="HeartbeatPeer.State"/>).</summary>
    public object? HeartbeatState { get; set; }

    /// <summary>Its token buckets when the server limits inbound rates (refilled by the server's tick); null otherwise.</summary>
    internal InboundRateLimit? RateLimit { get; }

    /// <summary>Message bytes waiting for this connection's handlers (ThreadPool and Queued dispatch).</summary>
    internal int InboundQueueBytes => _dispatch.QueuedBytes;

    IWsConnection IHeartbeatTarget.Connection => this;

    long IHeartbeatTarget.LastReceivedTimestamp => _transport.LastReceivedTimestamp;

    public bool Send(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        return _transport.Send(OutgoingFrame.Text(text.AsSpan()));
    }

    public bool Send(ReadOnlyMemory<byte> data) => _transport.Send(OutgoingFrame.Binary(data));

    public bool SendJson(string type, object? data)
    {
        if (string.IsNullOrEmpty(type))
        {
            throw new ArgumentException("A JSON message needs a type.", nameof(type));
        }

        return _server.SendJson(this, type, data);
    }

    public bool Send(string text, WsDelivery delivery)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        return _transport.Send(OutgoingFrame.Text(text.AsSpan()), delivery);
    }

    public bool Send(ReadOnlyMemory<byte> data, WsDelivery delivery) => _transport.Send(OutgoingFrame.Binary(data), delivery);

    public bool SendJson(string type, object? data, WsDelivery delivery)
    {
        if (string.IsNullOrEmpty(type))
        {
            throw new ArgumentException("A JSON message needs a type.", nameof(type));
        }

        return _server.SendJson(this, type, data, delivery);
    }

    public int SendQueueBytes => _transport.QueuedBytes;

    public bool IsCongested => _transport.IsCongested;

    public long MessagesDropped => _transport.MessagesDropped;

    public long MessagesReplaced => _transport.MessagesReplaced;

    public ValueTask<bool> WhenUncongestedAsync(CancellationToken cancellationToken = default) =>
        WaitAsync(_transport.WhenUncongestedAsync(), cancellationToken);

    /// <summary>Queues one text message already in UTF-8 (routing's replies and JSON sends, from a pooled buffer).</summary>
    internal bool SendText(ReadOnlySpan<byte> utf8, WsDelivery delivery = default) => _transport.Send(OutgoingFrame.Of(WsOpcode.Text, utf8), delivery);

    public ValueTask<bool> FlushAsync(CancellationToken cancellationToken = default)
    {
        return WaitAsync(_transport.WhenDrainedAsync(), cancellationToken);
    }

    private static ValueTask<bool> WaitAsync(Task<bool> task, CancellationToken cancellationToken)
    {
        if (task.IsCompleted || !cancellationToken.CanBeCanceled)
        {
            return new ValueTask<bool>(task);
        }

#if NET8_0_OR_GREATER
        return new ValueTask<bool>(task.WaitAsync(cancellationToken));
#else
        return WaitCancellableAsync(task, cancellationToken);
#endif
    }

#if !NET8_0_OR_GREATER
    private static async ValueTask<bool> WaitCancellableAsync(Task<bool> task, CancellationToken cancellationToken)
    {
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(static s => ((TaskCompletionSource<bool>)s!).TrySetResult(true), cancelled))
        {
            if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }

        return await task.ConfigureAwait(false);
    }
#endif

    public void Close(ushort code = WsCloseCodes.NormalClosure, string? reason = null)
    {
        if (!WsCloseCodes.IsValidOnWire(code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "Use 1000-1003, 1007-1014 or 3000-4999 (RFC 6455 §7.4).");
        }

        _transport.StartClose(code, reason ?? string.Empty, WsCloseCause.ServerClosed);
    }

    public void Abort() => _transport.Abort();

    public override string ToString() => _transport.ToString();

    private static InboundRateLimit? InboundRateLimitFor(WsSettings settings) =>
        settings.MaxMessagesPerSecond > 0 || settings.MaxBytesPerSecond > 0
            ? new InboundRateLimit(settings.MaxMessagesPerSecond, settings.MaxBytesPerSecond)
            : null;

    bool IHeartbeatTarget.SendPing(ReadOnlySpan<byte> payload) => _transport.Send(OutgoingFrame.Of(WsOpcode.Ping, payload));

    void IHeartbeatTarget.Kill() =>
        _transport.StartClose(WsCloseCodes.GoingAway, "heartbeat timeout", WsCloseCause.HeartbeatTimeout);

    // ---- events from the transport's read loop, in order ----

    ValueTask IConnectionHandler.OnOpenedAsync()
    {
        _server.Opened(this);
        return _dispatch.ConnectAsync(this);
    }

    ValueTask IConnectionHandler.OnMessageAsync(WsMessage message)
    {
        // Rate limits first: a flood of JSON pings is a flood too.
        if (RateLimit is { } limit && !limit.TryTake(message.Data.Length, out bool firstLimited))
        {
            return _server.RateLimited(this, message, firstLimited);
        }

        // JSON pings are answered here, on the read loop, whatever the heartbeat policy (with
        // ThreadPool and Queued dispatch even while the handlers are busy); JSON pongs go to the
        // policy. Neither reaches a handler.
        if (message.IsText && JsonPing.TryRead(message.Data.Span, out bool isPing, out var id))
        {
            if (isPing)
            {
                Span<byte> pong = stackalloc byte[JsonPing.MaxPongLength];
                _transport.Send(OutgoingFrame.Of(WsOpcode.Text, pong.Slice(0, JsonPing.WritePong(pong, id))));
            }
            else
            {
                _server.Heartbeat.OnJsonPong(this, id);
            }

            return default;
        }

        return _dispatch.MessageAsync(this, message);
    }

    void IConnectionHandler.OnPong(ReadOnlySpan<byte> payload) => _server.Heartbeat.OnPong(this, payload);

    ValueTask IConnectionHandler.OnClosedAsync(WsCloseInfo close)
    {
        // Out of the table and every group at once, in every dispatch mode: the close handlers
        // may wait for PumpEvents, but nothing is sent to a closed connection meanwhile.
        _server.Ended(this, close);
        return _dispatch.CloseAsync(this, close);
    }

    // ---- the handlers, as dispatch runs them ----

    ValueTask IHandlerTarget.RunConnectAsync()
    {
        long started = _server.Metrics.HandlerStarting();
        return Finish(_server.OnConnect.InvokeAsync(this, this, nameof(WsServer.OnConnect)), started, "connect");
    }

    ValueTask IHandlerTarget.RunMessageAsync(WsMessage message)
    {
        long started = _server.Metrics.HandlerStarting();
        ValueTask running;
        try
        {
            running = _server.HandleMessageAsync(this, message);
        }
        catch (Exception ex)
        {
            // Routing contains its handlers' failures; this is a plugged-in serializer that threw.
            _server.ReportError("routing", this, ex);
            running = default;
        }

        return Finish(running, started, "message");
    }

    ValueTask IHandlerTarget.RunCloseAsync(WsCloseInfo close)
    {
        long started = _server.Metrics.HandlerStarting();
        return Finish(_server.OnClose.InvokeAsync(this, close, this, nameof(WsServer.OnClose)), started, "close");
    }

    void IHandlerTarget.ReportFailure(Exception exception) => _server.ReportError("dispatch", this, exception);

    void IHandlerFailures.HandlerFailed(string handler, Exception exception) => _server.ReportError(handler, this, exception);

    /// <summary>
    /// Called by the server's tick: a handler waiting longer than <paramref name="timeout"/>
    /// (timestamp units) closes the connection with 1011; the handler keeps its place (the next
    /// event still waits for it) and sees <see cref="Closed"/> cancelled.
    /// </summary>
    internal bool CheckHandlerDeadline(long now, long timeout)
    {
        long since = Volatile.Read(ref _handlerSince);
        if (since == 0 || now - since <= timeout || Interlocked.Exchange(ref _handlerTimedOut, 1) != 0)
        {
            return false;
        }

        _transport.StartClose(WsCloseCodes.InternalError, "handler timeout", WsCloseCause.HandlerTimeout);
        return true;
    }

    /// <summary>Records a handler's duration (metrics); one that did not complete at once is marked waiting, for the tick.</summary>
    private ValueTask Finish(ValueTask running, long started, string kind)
    {
        if (running.IsCompletedSuccessfully)
        {
            _server.Metrics.HandlerFinished(started, kind);
            return default;
        }

        return AwaitAsync(running, started, kind);
    }

    private async ValueTask AwaitAsync(ValueTask running, long started, string kind)
    {
        long since = _server.Settings.TimeProvider.GetTimestamp();
        Volatile.Write(ref _handlerSince, since == 0 ? 1 : since);
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The handler lists contain their handlers' failures; this is a last guard.
            _server.ReportError(kind, this, ex);
        }
        finally
        {
            Volatile.Write(ref _handlerSince, 0);
        }

        _server.Metrics.HandlerFinished(started, kind);
    }
}
