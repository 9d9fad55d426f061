using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Protocol;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Transport;

/// <summary>
/// One WebSocket connection's socket pump, after its handshake: the only code that reads and
/// writes its stream. It feeds what it reads to the connection's <see cref="WsSession"/> (the
/// protocol rules), hands messages to the server's <see cref="IConnectionHandler"/>, and sends
/// through its <see cref="Outbox"/>. Its members are safe from any thread; the read loop
/// (<c>WsConnection.Receive.cs</c>) is its own.
/// </summary>
internal sealed partial class WsConnection : IOutboxOwner
{
    private static readonly TaskCompletionSource<bool> s_completed = CreateCompleted();
    private static readonly CancellationTokenSource s_closedSource = CreateCancelled();
    private static readonly WaitCallback s_cancel = CancelSource;

    private readonly Stream _stream;
    private readonly Socket? _socket;
    private readonly ConnectionShared _shared;
    private readonly WsSession _session;
    private readonly Outbox _outbox;
    private readonly PerMessageDeflate? _deflate;
    private IConnectionHandler _handler = null!;

    // Created when someone asks for Completion (the server, when it stops); s_completed once the
    // connection ended. An idle connection nobody waits on holds no task.
    private TaskCompletionSource<bool>? _completion;

    // The source of the Closed token: null until someone asks for the token (an idle connection
    // holds none), s_closedSource once the connection has left Open.
    private CancellationTokenSource? _closedSource;
    private int _dropped;
    private long _messagesReceived;
    private long _bytesReceived;

    /// <param name="id">The connection's id.</param>
    /// <param name="stream">The connection's stream, after the handshake.</param>
    /// <param name="socket">The TCP socket, when there is one.</param>
    /// <param name="info">The handshake's request.</param>
    /// <param name="shared">The server's settings, metrics, logger and limits.</param>
    /// <param name="deflate">permessage-deflate, when the handshake agreed it; the connection disposes it when it ends.</param>
    public WsConnection(long id, Stream stream, Socket? socket, WsConnectionInfo info, ConnectionShared shared, PerMessageDeflate? deflate = null)
    {
        Id = id;
        Info = info;
        _stream = stream;
        _socket = socket;
        _shared = shared;
        _outbox = new Outbox(stream, stream is NetworkStream ? socket : null, shared.Settings.MaxSendQueueBytes, this);
        _deflate = deflate;
        _session = new WsSession(_outbox, shared.Limits, deflate);
    }

    public long Id { get; }

    public WsConnectionInfo Info { get; }

    /// <summary>The TCP socket, when there is one; for tests that need to shape it.</summary>
    internal Socket? Socket => _socket;

    /// <summary>The connection's slot under MaxConnections, given back when it ends, before OnClosed.</summary>
    internal ConnectionLease? Lease { get; init; }

    public WsConnectionState State => _session.State;

    /// <summary>When the last read returned data, from the settings' TimeProvider; for the heartbeat.</summary>
    internal long LastReceivedTimestamp { get; private set; }

    /// <summary>When the handshake completed, from the settings' TimeProvider.</summary>
    internal DateTimeOffset ConnectedAt => new(_connectedAtUtcTicks, TimeSpan.Zero);

    // UTC ticks rather than a DateTimeOffset: 8 bytes a connection instead of 16.
    private long _connectedAtUtcTicks;

    /// <summary>Bytes queued to send or being written.</summary>
    internal int QueuedBytes => _outbox.QueuedBytes;

    /// <summary>Messages and bytes of this connection so far.</summary>
    internal WsTraffic Traffic => new(
        Interlocked.Read(ref _messagesReceived), _outbox.MessagesSent, Interlocked.Read(ref _bytesReceived), _outbox.BytesSent);

    /// <summary>Pings whose pong was merged into a later one's (RFC 6455 §5.5.3); for tests.</summary>
    internal int PingsCoalesced => _session.PingsCoalesced;

    /// <summary>When the incomplete message began to arrive (a timestamp), 0 when none; for tests.</summary>
    internal long IncompleteSince => _session.IncompleteSince;

    /// <summary>Cancelled once the connection leaves Open (see <c>IWsConnection.Closed</c>).</summary>
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

    /// <summary>Completes after OnClosed was raised and every buffer was returned.</summary>
    public Task Completion
    {
        get
        {
            var completion = Volatile.Read(ref _completion);
            if (completion is null)
            {
                var created = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                completion = Interlocked.CompareExchange(ref _completion, created, null) ?? created;
            }

            return completion.Task;
        }
    }

    /// <summary>Queues a frame (see <see cref="Outbox.Write"/>); false when it was not queued.</summary>
    public bool Send(in OutgoingFrame frame, bool fanOut = false) =>
        _deflate is { } deflate && frame.IsData && !frame.IsEncoded && deflate.ShouldCompress(frame.PayloadLength)
            ? SendCompressed(frame, deflate, fanOut)
            : _outbox.Write(frame, fanOut);

    /// <summary>Completes when everything queued so far was written (true) or the connection ended first (false).</summary>
    public Task<bool> WhenDrainedAsync() => _outbox.WhenDrainedAsync();

    /// <summary>
    /// Starts the server's side of the closing handshake (§7.1.2): a close frame now, the client's
    /// close and TCP end awaited up to CloseTimeout (the server's tick drops it then). The first
    /// close decision sets what OnClose reports.
    /// </summary>
    public void StartClose(ushort code, string reason, WsCloseCause cause)
    {
        if (_session.StartClose(code, reason, cause, Settings.TimeProvider.GetTimestamp()))
        {
            SignalClosed();
        }
    }

    /// <summary>Drops the TCP connection at once, without a closing handshake.</summary>
    public void Abort() => Drop(WsCloseCause.Aborted);

    /// <summary>
    /// Called by the server's tick: a message incomplete past MessageReadTimeout is closed with
    /// 1008; a closing handshake past CloseTimeout is dropped.
    /// </summary>
    public void CheckDeadlines(long now)
    {
        switch (_session.CheckDeadlines(now))
        {
            case SessionDeadline.ReadTimeout:
                TransportLog.MessageReadTimeout(Logger, Id, Info.RemoteEndPoint, Settings.MessageReadTimeout);
                SignalClosed();
                _ = ShutdownWhenDrainedAsync();
                break;
            case SessionDeadline.CloseTimeout:
                TransportLog.CloseTimeout(Logger, Id, Settings.CloseTimeout);
                Drop(WsCloseCause.ConnectionLost);
                break;
        }
    }

    /// <inheritdoc/>
    void IOutboxOwner.OnSendQueueFull()
    {
        _shared.Metrics?.SendQueueDropped();
        TransportLog.SlowConsumer(Logger, Id, Info.RemoteEndPoint, Settings.MaxSendQueueBytes);
        StartClose(WsCloseCodes.PolicyViolation, "slow consumer", WsCloseCause.SlowConsumer);
    }

    /// <inheritdoc/>
    void IOutboxOwner.OnWriteFailed(string reason)
    {
        TransportLog.IoEnded(Logger, Id, reason);
        Drop(WsCloseCause.ConnectionLost);
    }

    public override string ToString() => $"#{Id} {Info}";

    private WsSettings Settings => _shared.Settings;

    private ILogger Logger => _shared.Logger;

    /// <summary>
    /// The server ends TCP first (§7.1.1), but only once the close frame is out: closing a socket
    /// with a frame still queued would lose it, and the client would see 1006 instead of the code.
    /// </summary>
    private async Task ShutdownWhenDrainedAsync()
    {
        await _outbox.WhenDrainedAsync().ConfigureAwait(false);
        try
        {
            if (_socket is not null)
            {
                _socket.Shutdown(SocketShutdown.Send);
            }
            else
            {
                // A mount: the other server ends the connection once the read loop has ended;
                // a client whose close has not arrived may still be writing, so its bytes are
                // read first (MountedStream.DrainAsync), as the listener reads them after its FIN.
                (_stream as MountedStream)?.End(drain: !_session.PeerClosed);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone: the read loop sees the end.
        }
    }

    /// <summary>Closes the socket now; the pending read fails and the read loop ends.</summary>
    private void Drop(WsCloseCause cause)
    {
        _session.Abort(cause);
        SignalClosed();
        DisposeSocket();
    }

    private void DisposeSocket()
    {
        if (Interlocked.Exchange(ref _dropped, 1) != 0)
        {
            return;
        }

        try
        {
            _socket?.Dispose();
            _stream.Dispose();
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException or IOException)
        {
            // Closing an already broken connection.
        }
    }

    /// <summary>
    /// Cancels <see cref="Closed"/>, once. The token's callbacks (and so the continuations of
    /// handlers awaiting it) run on the thread pool, never inside the caller: the stop loop, the
    /// server's tick or the read loop must not run user code.
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

    private static TaskCompletionSource<bool> CreateCompleted()
    {
        var completed = new TaskCompletionSource<bool>();
        completed.SetResult(true);
        return completed;
    }

    /// <summary>Completes <see cref="Completion"/>, whether or not it was asked for yet.</summary>
    private void SetCompleted() => Interlocked.Exchange(ref _completion, s_completed)?.TrySetResult(true);
}
