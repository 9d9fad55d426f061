using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Protocol;

namespace EmbedWs.Transport;

internal sealed partial class WsConnection
{
    private const int StateOpen = 0;
    private const int StateClosing = 1;
    private const int StateClosed = 2;

    private int _state;
    private WsCloseInfo? _closeInfo;
    private int _watchdogStarted;
    private CancellationTokenSource? _watchdog;
    private int _dropped;

    /// <summary>The connection's slot under MaxConnections, given back when it ends, before OnClosed.</summary>
    internal ConnectionLease? Lease { get; init; }

    // The source of the Closed token: null until someone asks for the token (an idle connection
    // holds none), s_closedSource once the connection has left Open.
    private CancellationTokenSource? _closedSource;
    private static readonly CancellationTokenSource s_closedSource = CreateCancelled();
    private static readonly WaitCallback s_cancel = CancelSource;

    public CancellationToken Closed
    {
        get
        {
            var source = Volatile.Read(ref _closedSource);
            if (source is null)
            {
                var created = new CancellationTokenSource();
                source = Interlocked.CompareExchange(ref _closedSource, created, null) ?? created;
                if (source != created)
                {
                    created.Dispose();
                }
            }

            return source.Token;
        }
    }

    public ValueTask CloseAsync(ushort code = WsCloseCodes.NormalClosure, string? reason = null)
    {
        if (!WsCloseCodes.IsValidOnWire(code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "Use 1000-1003, 1007-1014 or 3000-4999 (RFC 6455 §7.4).");
        }

        StartClose(code, reason ?? string.Empty, WsCloseCause.ServerClosed);
        return default;
    }

    public void Abort()
    {
        SetCloseInfo(WsCloseCodes.AbnormalClosure, string.Empty, WsCloseCause.Aborted);
        Drop();
    }

    /// <summary>
    /// Server side of the closing handshake (§7.1.2): send a close frame, then wait for the
    /// client's close frame and the end of its TCP connection, at most CloseTimeout.
    /// The first close decision sets what OnClose reports.
    /// </summary>
    internal void StartClose(ushort code, string reason, WsCloseCause cause)
    {
        if (Interlocked.CompareExchange(ref _state, StateClosing, StateOpen) != StateOpen)
        {
            return;
        }

        SetCloseInfo(code, reason, cause);
        SignalClosed();
        SendCloseFrame(code, reason);
        StartWatchdog();
    }

    /// <summary>The client's close frame arrived (§5.5.1): echo its code, flush, end TCP.</summary>
    private void OnCloseFrame(ushort code, string reason)
    {
        if (Interlocked.CompareExchange(ref _state, StateClosing, StateOpen) == StateOpen)
        {
            SetCloseInfo(code, reason, WsCloseCause.ClientClosed);
            SignalClosed();
            SendCloseFrame(code, null);
        }

        StartWatchdog();
        _ = ShutdownWhenDrainedAsync();
    }

    private void SendCloseFrame(ushort code, string? reason)
    {
        Span<byte> payload = stackalloc byte[WsConstants.MaxControlPayload];
        // 1005 means "no code": answer with an empty close payload, as it came.
        int length = code == WsCloseCodes.NoStatusReceived ? 0 : FrameWriter.WriteClosePayload(payload, code, reason);
        Enqueue(WsOpcode.Close, payload.Slice(0, length), null);
    }

    /// <summary>
    /// The server ends TCP first (§7.1.1), but only once the close frame is out: closing a socket
    /// with a frame still queued would lose it, and the client would see 1006 instead of the code.
    /// </summary>
    private async Task ShutdownWhenDrainedAsync()
    {
        await WhenDrainedAsync().ConfigureAwait(false);
        try
        {
            _socket?.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone: the read loop sees the end.
        }
    }

    /// <summary>Bounds the closing handshake: after CloseTimeout the socket is dropped.</summary>
    private void StartWatchdog()
    {
        if (Interlocked.Exchange(ref _watchdogStarted, 1) != 0)
        {
            return;
        }

        var cts = new CancellationTokenSource();
        _watchdog = cts;
        _ = WatchAsync(cts.Token);
    }

    private async Task WatchAsync(CancellationToken token)
    {
        try
        {
            await Task.Delay(_settings.CloseTimeout, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        TransportLog.CloseTimeout(_logger, Id, _settings.CloseTimeout);
        Drop();
    }

    /// <summary>
    /// Cancels <see cref="Closed"/>, once. The token's callbacks (and so the continuations of
    /// handlers awaiting it) run on the thread pool, never inside the caller: the stop loop, the
    /// heartbeat tick or the read loop must not run user code.
    /// </summary>
    private void SignalClosed()
    {
        var source = Interlocked.Exchange(ref _closedSource, s_closedSource);
        if (source is not null && source != s_closedSource)
        {
            ThreadPool.UnsafeQueueUserWorkItem(s_cancel, source);
        }
    }

    private static void CancelSource(object? state)
    {
        try
        {
            ((CancellationTokenSource)state!).Cancel();
        }
        catch (AggregateException)
        {
            // A callback the user registered on Closed threw; the connection is closing anyway.
        }
    }

    private static CancellationTokenSource CreateCancelled()
    {
        var source = new CancellationTokenSource();
        source.Cancel();
        return source;
    }

    private void SetCloseInfo(ushort code, string reason, WsCloseCause cause) =>
        Interlocked.CompareExchange(ref _closeInfo, new WsCloseInfo(code, reason, cause), null);

    /// <summary>Closes the socket now; the pending read fails and the read loop ends.</summary>
    private void Drop()
    {
        if (Interlocked.Exchange(ref _dropped, 1) != 0)
        {
            return;
        }

        Interlocked.CompareExchange(ref _state, StateClosing, StateOpen);
        SignalClosed();
        try
        {
            _socket?.Dispose();
            _stream.Dispose();
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException or System.IO.IOException)
        {
            // Closing an already broken connection.
        }
    }

    /// <summary>The last step, once, from the read loop's end: release everything, raise OnClosed.</summary>
    private void Terminate()
    {
        Volatile.Write(ref _state, StateClosed);
        SignalClosed();
        lock (_sendLock)
        {
            _sendClosed = true;
            _terminated = true;
            if (!_flushing)
            {
                EndFlush();
            }
        }

        Drop();
        _watchdog?.Cancel();
        _watchdog?.Dispose();

        // Before OnClosed: a client that saw its connection end may connect again at once.
        Lease?.Release();
        _events.OnClosed(this, _closeInfo ?? new WsCloseInfo(WsCloseCodes.AbnormalClosure, string.Empty, WsCloseCause.ConnectionLost));
    }
}
