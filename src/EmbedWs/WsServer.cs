using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Dispatch;
using EmbedWs.Heartbeat;
using EmbedWs.Protocol;
using EmbedWs.Transport;
using Microsoft.Extensions.Logging;

namespace EmbedWs;

/// <summary>
/// An embeddable WebSocket server: start it, handle OnConnect / OnMessage / OnClose, send,
/// broadcast, stop. Safe to call from any thread. Per connection, handlers run one at a time
/// and in order: OnConnect, then each message in arrival order, then exactly one OnClose.
/// </summary>
public sealed partial class WsServer : IAsyncDisposable
{
    private const int Created = 0, Running = 1, Stopping = 2, Stopped = 3;

    private readonly WsServerOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, WsConnection> _connections = new();
    private WsListener? _listener;
    private EventDispatcher? _dispatcher;
    private HeartbeatDriver? _heartbeat;
    private EmbedWsMetrics? _metrics;
    private MessageReadTimeoutSweep? _readTimeouts;
    private int _state;

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    /// <param name="options">The options; copied at start.</param>
    public WsServer(WsServerOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = options.LoggerFactory.CreateLogger("EmbedWs.Server");
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

    /// <summary>The options the server was created with (read them; changes after start have no effect).</summary>
    public WsServerOptions Options => _options;

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
    public bool TryGetConnection(long id, out IWsConnection? connection)
    {
        bool found = _connections.TryGetValue(id, out var c);
        connection = c;
        return found;
    }

    /// <summary>
    /// Binds the endpoints and starts accepting. Throws when the options are inconsistent or the
    /// port is taken. A server starts once.
    /// </summary>
    /// <param name="cancellationToken">Unused; binding does not wait.</param>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, Running, Created) != Created)
        {
            throw new InvalidOperationException("The server was already started; create a new WsServer to start again.");
        }

        try
        {
            IReadOnlyList<IPEndPoint> endPoints = new[] { _options.Endpoint };
            if (_options.Url is { } url)
            {
                endPoints = ListenUrl.Resolve(url, out bool secure);
                if (secure && _options.Certificate is null)
                {
                    throw new InvalidOperationException($"'{url}' is wss:// but no Certificate is set.");
                }
            }

            _dispatcher = EventDispatcher.Create(_options.Dispatch, new HandlerRunner(this), new DispatchLimits
            {
                MaxInboundQueueBytes = _options.MaxInboundQueueBytes,
                MaxQueuedEvents = _options.MaxQueuedEvents,
            });
            _heartbeat = new HeartbeatDriver(_options.Heartbeat, _options.TimeProvider, _connections, _options.LoggerFactory.CreateLogger("EmbedWs.Heartbeat"));
            _metrics = new EmbedWsMetrics(_connections);
            _listener = new WsListener(Snapshot(_options, _metrics), this);
            _listener.Start(endPoints, _options.ListenBacklog);
            _heartbeat.Start();
            _readTimeouts = new MessageReadTimeoutSweep(_options.MessageReadTimeout, _options.TimeProvider, _connections);
            _readTimeouts.Start();
        }
        catch
        {
            _listener = null;
            _heartbeat?.Dispose();
            _metrics?.Dispose();
            _metrics = null;
            _readTimeouts?.Dispose();
            Volatile.Write(ref _state, Created);
            throw;
        }

        ServerLog.Started(_logger, string.Join(", ", LocalEndPoints));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops: frees the port, refuses new handshakes with 503, closes every client with 1001,
    /// waits up to StopTimeout for them to finish the closing handshake, then drops the rest.
    /// Completes when every OnClose has been raised; with Queued dispatch, when every
    /// connection has ended (the OnClose events then wait for the next PumpEvents).
    /// </summary>
    /// <param name="cancellationToken">Cuts the wait short: remaining clients are dropped at once.</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, Stopping, Running) != Running)
        {
            return;
        }

        await _listener!.StopAcceptingAsync().ConfigureAwait(false);
        var open = _connections.Values.ToArray();
        ServerLog.Stopping(_logger, open.Length);
        foreach (var c in open)
        {
            c.StartClose(WsCloseCodes.GoingAway, "server stopping", WsCloseCause.ServerStopping);
        }

        var all = Task.WhenAll(open.Select(c => c.Completion));
        var limit = Task.Delay(_options.StopTimeout, cancellationToken);
        if (await Task.WhenAny(all, limit).ConfigureAwait(false) != all)
        {
            var left = open.Where(c => !c.Completion.IsCompleted).ToArray();
            ServerLog.StopDropping(_logger, left.Length);
            foreach (var c in left)
            {
                c.Abort();
            }

            await all.ConfigureAwait(false);
        }

        _heartbeat!.Dispose();
        _readTimeouts!.Dispose();
        if (_options.Dispatch != EventDispatch.Queued)
        {
            await _dispatcher!.WhenIdleAsync().ConfigureAwait(false);
        }

        Volatile.Write(ref _state, Stopped);
        _metrics!.Dispose();
        ServerLog.Stopped(_logger);
    }

    /// <summary>Stops the server (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static TransportSettings Snapshot(WsServerOptions o, EmbedWsMetrics metrics) => new()
    {
        MaxMessageSize = o.MaxMessageSize,
        MaxHandshakeSize = o.MaxHandshakeSize,
        HandshakeTimeout = o.HandshakeTimeout,
        CloseTimeout = o.CloseTimeout,
        MaxSendQueueBytes = o.MaxSendQueueBytes,
        MaxConnections = o.MaxConnections,
        MaxConnectionsPerAddress = o.MaxConnectionsPerAddress,
        MaxFragmentsPerMessage = o.MaxFragmentsPerMessage,
        MessageReadTimeout = o.MessageReadTimeout,
        Certificate = o.Certificate,
        SslProtocols = o.SslProtocols,
        SupportedSubProtocols = o.SupportedSubProtocols.ToArray(),
        AllowedOrigins = o.AllowedOrigins?.ToArray(),
        AcceptHandler = o.AcceptHandler,
        HttpHandler = o.HttpHandler,
        LoggerFactory = o.LoggerFactory,
        TimeProvider = o.TimeProvider,
        Metrics = metrics,
    };
}
