using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Dispatch;
using EmbedWs.Heartbeat;
using EmbedWs.Routing;
using EmbedWs.Transport;
using Microsoft.Extensions.Logging;

namespace EmbedWs;

/// <summary>
/// An embeddable WebSocket server: start it, handle OnConnect / OnMessage / OnClose, send,
/// broadcast, route JSON messages, stop. Safe to call from any thread. Per connection, handlers
/// run one at a time and in order, asynchronous ones awaited: OnConnect, then each message in
/// arrival order, then exactly one OnClose.
/// </summary>
public sealed partial class WsServer : IAsyncDisposable
{
    private const int Created = 0, Running = 1, Stopping = 2, Stopped = 3;

    /// <summary>How long StopAsync waits, after StopTimeout, for dropped connections and their handlers to end.</summary>
    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(1);

    private readonly WsServerOptions _options;
    private readonly ConcurrentDictionary<long, ServerConnection> _connections = new();
    private readonly WsRouter _router;
    private readonly TaskCompletionSource<bool> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WsSettings? _settings;
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private WsListener? _listener;
    private EventDispatcher? _dispatcher;
    private HeartbeatRunner? _heartbeat;
    private EmbedWsMetrics? _metrics;
    private ServerTick? _tick;
    private int _state;

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    /// <param name="options">The options; frozen when the server starts.</param>
    public WsServer(WsServerOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _router = new WsRouter(this);
        Groups = new WsGroups(this);
    }

    /// <summary>Creates a server for a <c>ws://host:port</c> URL with default options.</summary>
    /// <param name="url">Where to listen, as in <see cref="WsServerOptions.Url"/>.</param>
    public WsServer(string url)
        : this(new WsServerOptions { Url = url ?? throw new ArgumentNullException(nameof(url)) })
    {
    }

    /// <summary>Named groups of connections: add, remove, send to a group. A closed connection leaves all its groups.</summary>
    public WsGroups Groups { get; }

    /// <summary>The options the server was created with. Once it started they are frozen: setting one throws.</summary>
    public WsServerOptions Options => _options;

    /// <summary>True from <see cref="StartAsync"/> until a stop begins.</summary>
    public bool IsRunning => Volatile.Read(ref _state) == Running;

    /// <summary>The port listened on (the real one when 0 was asked); 0 before start.</summary>
    public int Port => LocalEndPoints.Count == 0 ? 0 : LocalEndPoints[0].Port;

    /// <summary>Every endpoint listened on; empty before start.</summary>
    public IReadOnlyList<IPEndPoint> LocalEndPoints => _listener?.LocalEndPoints ?? Array.Empty<IPEndPoint>();

    /// <summary>A snapshot of the open connections.</summary>
    public IReadOnlyCollection<IWsConnection> Connections => _connections.Values.ToArray();

    /// <summary>The number of open connections.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Finds an open connection by its id.</summary>
    /// <param name="id">The connection's <see cref="IWsConnection.Id"/>.</param>
    /// <param name="connection">The connection, when found.</param>
    public bool TryGetConnection(long id, [NotNullWhen(true)] out IWsConnection? connection)
    {
        bool found = _connections.TryGetValue(id, out var c);
        connection = c;
        return found;
    }

    /// <summary>The open connections by id (enumerate it directly: no lock, no copy).</summary>
    internal ConcurrentDictionary<long, ServerConnection> ConnectionTable => _connections;

    /// <summary>The server's logger; a null one before start.</summary>
    internal ILogger Logger => _logger;

    /// <summary>The frozen settings; only after start.</summary>
    internal WsSettings Settings => _settings!;

    /// <summary>The server's instruments; only after start.</summary>
    internal EmbedWsMetrics Metrics => _metrics!;

    /// <summary>The heartbeat policy's runner; only after start.</summary>
    internal HeartbeatRunner Heartbeat => _heartbeat!;

    internal bool IsStopping => Volatile.Read(ref _state) >= Stopping;

    /// <summary>
    /// Freezes the options, binds the endpoints and starts accepting. Throws
    /// <see cref="InvalidOperationException"/> when the options are inconsistent or the server was
    /// started or stopped before (a server starts once), and <see cref="System.IO.IOException"/>
    /// naming the endpoint when it cannot be bound (the port is taken: the inner SocketException's
    /// code is AddressAlreadyInUse).
    /// </summary>
    /// <param name="cancellationToken">Unused; binding does not wait.</param>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        int was = Interlocked.CompareExchange(ref _state, Running, Created);
        if (was != Created)
        {
            throw new InvalidOperationException(was == Running
                ? "The server is already running."
                : "The server was stopped or disposed; create a new WsServer to start again.");
        }

        try
        {
            var settings = _options.Freeze();
            IReadOnlyList<IPEndPoint> endPoints = new[] { settings.Endpoint };
            if (settings.Listen && settings.Url is { } url)
            {
                endPoints = ListenUrl.Resolve(url, out bool secure);
                if (secure && settings.Certificate is null)
                {
                    throw new InvalidOperationException($"'{url}' is wss:// but no Certificate is set.");
                }
            }

            _settings = settings;
            AttachBackplane();
            _logger = settings.LoggerFactory.CreateLogger("EmbedWs.Server");
            _metrics = new EmbedWsMetrics(() => _connections.Count, Traffic);
            _metrics.ObserveSending(SendQueues);
            _dispatcher = EventDispatcher.Create(settings.Dispatch, settings.MaxInboundQueueBytes, settings.MaxQueuedEvents);
            _heartbeat = new HeartbeatRunner(settings.Heartbeat, settings.TimeProvider, settings.LoggerFactory.CreateLogger("EmbedWs.Heartbeat"),
                (connection, exception) => RaiseError(connection, exception));
            _router.Start(settings, _metrics);
            StartDashboard(settings);
            _listener = new WsListener(settings, _metrics, this);
            if (settings.Listen)
            {
                _listener.Start(endPoints, settings.ListenBacklog);
            }

            _tick = new ServerTick(this, settings);
            _tick.Start();
        }
        catch
        {
            _listener = null;
            _tick?.Dispose();
            _metrics?.Dispose();
            _metrics = null;
            Volatile.Write(ref _state, Created);
            throw;
        }

        ServerLog.Started(_logger, LocalEndPoints.Count == 0 ? "no port of its own (Listen is false)" : string.Join(", ", LocalEndPoints));
        LogSimulation();
        return StartBackplaneAsync(cancellationToken);
    }

    /// <summary>
    /// Stops, step by step: stops listening (the port is free at once; a handshake in progress
    /// gets 503 or is closed); closes every client with 1001 "server stopping", which cancels
    /// each connection's <see cref="IWsConnection.Closed"/> so that async handlers can end; waits
    /// up to <see cref="WsServerOptions.StopTimeout"/> for the clients to finish the closing
    /// handshake and for running handlers to return; then drops the connections left (their
    /// OnClose still says ServerStopping) and gives the drops about a second to land. Completes
    /// when every OnClose has been raised, unless a handler ignores <see cref="IWsConnection.Closed"/>
    /// past all that: this is logged, and that connection's OnClose follows when its handler
    /// returns. With Queued dispatch it completes when every connection has ended (the OnClose
    /// events then wait for the next PumpEvents). A second call waits for the first one's end.
    /// </summary>
    /// <param name="cancellationToken">Cuts the wait short: remaining clients are dropped at once.</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        int was = Interlocked.CompareExchange(ref _state, Stopping, Running);
        if (was != Running)
        {
            if (was >= Stopping)
            {
                await _stopped.Task.ConfigureAwait(false);
            }

            return;
        }

        try
        {
            await _listener!.StopAcceptingAsync().ConfigureAwait(false);
            await StopBackplaneAsync(cancellationToken).ConfigureAwait(false);
            var open = _connections.Values.ToArray();
            ServerLog.Stopping(_logger, open.Length);
            foreach (var c in open)
            {
                c.Transport.StartClose(WsCloseCodes.GoingAway, "server stopping", WsCloseCause.ServerStopping);
            }

            _dashboard?.CloseAll();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(_settings!.StopTimeout);
            if (!await DrainAsync(limit.Token).ConfigureAwait(false))
            {
                var left = _connections.Values.ToArray();
                if (left.Length > 0)
                {
                    ServerLog.StopDropping(_logger, left.Length);
                    foreach (var c in left)
                    {
                        c.Abort();
                    }
                }

                // Not linked to the caller's token: dropped sockets end their read loops at once,
                // and this lets their OnClose be raised before StopAsync returns.
                using var grace = new CancellationTokenSource(AbortGrace);
                if (!await DrainAsync(grace.Token).ConfigureAwait(false))
                {
                    ServerLog.StopLeftRunning(_logger, _connections.Count, _dispatcher!.PendingEvents);
                }
            }
        }
        finally
        {
            _tick!.Dispose();
            _simulator?.Dispose();
            await (_dashboard?.StopAsync() ?? Task.CompletedTask).ConfigureAwait(false);
            Volatile.Write(ref _state, Stopped);
            _metrics!.Dispose();
            _stopped.TrySetResult(true);
            ServerLog.Stopped(_logger);
        }
    }

    /// <summary>Stops the server (see <see cref="StopAsync"/>); a server disposed before it started can no longer start.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Stopped, Created) == Created)
        {
            _stopped.TrySetResult(true);
            return;
        }

        await StopAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until every connection has ended and (except with Queued dispatch) every handler
    /// has returned; false when <paramref name="token"/> fired first.
    /// </summary>
    private async Task<bool> DrainAsync(CancellationToken token)
    {
        var cancelled = Task.Delay(Timeout.Infinite, token);
        while (true)
        {
            // Looped: a handshake that passed its 503 check just before the stop opens a
            // connection after the first snapshot (it is closed as it opens).
            var open = _connections.Values.ToArray();
            if (open.Length == 0)
            {
                break;
            }

            var all = Task.WhenAll(open.Select(c => c.Transport.Completion));
            if (await Task.WhenAny(all, cancelled).ConfigureAwait(false) != all)
            {
                return false;
            }
        }

        if (_settings!.Dispatch == EventDispatch.Queued)
        {
            return true;
        }

        var idle = _dispatcher!.WhenIdleAsync();
        return await Task.WhenAny(idle, cancelled).ConfigureAwait(false) == idle;
    }
}
