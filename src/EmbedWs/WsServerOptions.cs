using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EmbedWs;

/// <summary>
/// Everything a <see cref="WsServer"/> can be told, with safe defaults (this class is the one
/// place they are written). Setters check their values. <see cref="WsServer.StartAsync"/>
/// freezes the options into the server's own settings: from then on every setter throws
/// <see cref="InvalidOperationException"/>, so a change can never be silently ignored.
/// </summary>
public sealed partial class WsServerOptions
{
    private IPEndPoint _endpoint = new(IPAddress.Loopback, 8080);
    private string? _url;
    private bool _listen = true;
    private X509Certificate2? _certificate;
    private SslProtocols _sslProtocols = SslProtocols.Tls12 | Tls13;
    private IList<string>? _allowedOrigins;
    private Func<WsAcceptContext, ValueTask>? _acceptHandler;
    private Func<WsConnectionInfo, ValueTask<WsHttpResponse?>>? _httpHandler;
    private int _maxMessageSize = 1024 * 1024;
    private int _maxHandshakeSize = 8 * 1024;
    private int _maxSendQueueBytes = 1024 * 1024;
    private int _listenBacklog = 512;
    private TimeSpan _handshakeTimeout = TimeSpan.FromSeconds(5);
    private TimeSpan _closeTimeout = TimeSpan.FromSeconds(5);
    private TimeSpan _stopTimeout = TimeSpan.FromSeconds(5);
    private TimeSpan _handlerTimeout = TimeSpan.FromSeconds(30);
    private int _maxConnections = 100_000;
    private int _maxConnectionsPerAddress;
    private int _maxFragmentsPerMessage = 1024;
    private TimeSpan _messageReadTimeout = TimeSpan.FromSeconds(60);
    private IHeartbeatPolicy _heartbeat = HeartbeatPolicy.PingPong();
    private EventDispatch _dispatch = EventDispatch.Inline;
    private int _maxInboundQueueBytes = 1024 * 1024;
    private int _maxQueuedEvents = 10_000;
    private TimeProvider _timeProvider = TimeProvider.System;
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;

    // netstandard2.1 has no name for TLS 1.3.
    private const SslProtocols Tls13 = (SslProtocols)0x3000;

    /// <summary>Creates options with the defaults.</summary>
    public WsServerOptions() => SupportedSubProtocols = new FreezableList(this, nameof(SupportedSubProtocols));

    /// <summary>
    /// Where to listen. The default is 127.0.0.1:8080; port 0 picks a free port
    /// (read it from <see cref="WsServer.Port"/> after start). Ignored when <see cref="Url"/> is set.
    /// </summary>
    public IPEndPoint Endpoint
    {
        get => _endpoint;
        set => Set(ref _endpoint, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>
    /// Where to listen, as <c>ws://host:port</c> or <c>wss://host:port</c> (wss needs
    /// <see cref="Certificate"/>). The host may be an IPv4 or [IPv6] address, a name such as
    /// <c>localhost</c> (every address it resolves to is bound), or <c>*</c> / <c>0.0.0.0</c> /
    /// <c>[::]</c> for all interfaces (<c>*</c> and <c>[::]</c> are dual-stack). The path is
    /// ignored: every path is served. Null by default (then <see cref="Endpoint"/> is used).
    /// </summary>
    public string? Url
    {
        get => _url;
        set => Set(ref _url, value);
    }

    /// <summary>
    /// Whether the server opens a listening socket of its own (at <see cref="Url"/> or
    /// <see cref="Endpoint"/>). True by default. False for a server that takes connections only
    /// from another HTTP server, through <see cref="WsServer.AdmitAsync"/> and
    /// <see cref="WsServer.AcceptAsync"/> (ASP.NET Core's <c>MapEmbedWs</c> does that): it binds
    /// no port, and <see cref="WsServer.Port"/> stays 0.
    /// </summary>
    public bool Listen
    {
        get => _listen;
        set => Set(ref _listen, value);
    }

    /// <summary>The certificate for TLS (wss). Null (the default) serves plain ws.</summary>
    public X509Certificate2? Certificate
    {
        get => _certificate;
        set => Set(ref _certificate, value);
    }

    /// <summary>TLS versions accepted when <see cref="Certificate"/> is set. The default is TLS 1.2 and 1.3.</summary>
    public SslProtocols SslProtocols
    {
        get => _sslProtocols;
        set => Set(ref _sslProtocols, value);
    }

    /// <summary>
    /// Subprotocols the server speaks. The first of the client's offers (in the client's order)
    /// found here is chosen; the accept hook may change it. Empty by default.
    /// </summary>
    public IList<string> SupportedSubProtocols { get; }

    /// <summary>
    /// When not null, only handshakes whose Origin header is in this list (case-insensitive,
    /// e.g. <c>https://example.com</c>; <c>*</c> allows any present Origin) are accepted; others
    /// get 403. Browsers always send Origin, so this stops other sites' pages from connecting
    /// with the user's cookies (cross-site WebSocket hijacking). The list is copied when set.
    /// Null by default: any origin.
    /// </summary>
    public IList<string>? AllowedOrigins
    {
        get => _allowedOrigins;
        set => Set(ref _allowedOrigins, value is null ? null : new FreezableList(this, nameof(AllowedOrigins), value));
    }

    /// <summary>
    /// Runs after the handshake is valid and before OnConnect: inspect path, query, headers,
    /// cookies, origin, offered subprotocols; reject with an HTTP status, pick the subprotocol,
    /// attach Items. An exception here refuses the client with 500 and is raised on OnError.
    /// Null by default: every valid handshake is accepted.
    /// </summary>
    public Func<WsAcceptContext, ValueTask>? AcceptHandler
    {
        get => _acceptHandler;
        set => Set(ref _acceptHandler, value);
    }

    /// <summary>
    /// Answers a plain HTTP GET (no Upgrade header) on the same port, so the host can serve a
    /// page. Return null to send the default answer: 426 Upgrade Required. Null by default.
    /// </summary>
    public Func<WsConnectionInfo, ValueTask<WsHttpResponse?>>? HttpHandler
    {
        get => _httpHandler;
        set => Set(ref _httpHandler, value);
    }

    /// <summary>
    /// The largest message accepted, in bytes, counted across fragments and checked from each
    /// frame header before its payload is read; a larger one closes the connection with 1009.
    /// The default is 1 MiB (1,048,576).
    /// </summary>
    public int MaxMessageSize
    {
        get => _maxMessageSize;
        set => Set(ref _maxMessageSize, InRange(value, 1, int.MaxValue / 2, nameof(MaxMessageSize)));
    }

    /// <summary>The largest request head accepted, in bytes; a larger one gets 431. The default is 8 KiB.</summary>
    public int MaxHandshakeSize
    {
        get => _maxHandshakeSize;
        set => Set(ref _maxHandshakeSize, InRange(value, 256, 1024 * 1024, nameof(MaxHandshakeSize)));
    }

    /// <summary>
    /// The bytes that may wait in one connection's send queue. A client that does not read
    /// until a send would pass this limit is closed with 1008 (cause SlowConsumer). A single
    /// message larger than the limit is still sent when the queue is empty. The default is 1 MiB.
    /// </summary>
    public int MaxSendQueueBytes
    {
        get => _maxSendQueueBytes;
        set => Set(ref _maxSendQueueBytes, InRange(value, 1024, int.MaxValue / 2, nameof(MaxSendQueueBytes)));
    }

    /// <summary>
    /// How long a client has for TLS and its request head before the socket is closed. The accept
    /// hook's own time does not count (give a slow lookup a timeout of its own). The default is 5 seconds.
    /// </summary>
    public TimeSpan HandshakeTimeout
    {
        get => _handshakeTimeout;
        set => Set(ref _handshakeTimeout, Positive(value, nameof(HandshakeTimeout)));
    }

    /// <summary>
    /// How long the server waits for the client's close frame and TCP end after a close began;
    /// then the socket is dropped. Checked by the server's tick, so it acts within about a
    /// quarter of this time after it passed. The default is 5 seconds.
    /// </summary>
    public TimeSpan CloseTimeout
    {
        get => _closeTimeout;
        set => Set(ref _closeTimeout, Positive(value, nameof(CloseTimeout)));
    }

    /// <summary>How long StopAsync waits for clients to finish the closing handshake before it drops them. The default is 5 seconds.</summary>
    public TimeSpan StopTimeout
    {
        get => _stopTimeout;
        set => Set(ref _stopTimeout, Positive(value, nameof(StopTimeout)));
    }

    /// <summary>
    /// How long one handler (OnConnect, OnMessage or a route; not OnClose, which the stop bounds)
    /// may run. A handler still
    /// running after it keeps the connection's order: the next event still waits for it; the
    /// connection is closed with 1011 "handler timeout" (cause HandlerTimeout), which cancels
    /// <see cref="IWsConnection.Closed"/> so a handler that passes that token along ends. Only
    /// handlers that await count (a handler that blocks its thread cannot be timed: use
    /// <see cref="EventDispatch.ThreadPool"/> for those). Checked by the server's tick.
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns it off. The default is 30 seconds.
    /// </summary>
    public TimeSpan HandlerTimeout
    {
        get => _handlerTimeout;
        set => Set(ref _handlerTimeout, PositiveOrInfinite(value, nameof(HandlerTimeout)));
    }

    /// <summary>The listen backlog (connections the OS queues before they are accepted). The default is 512.</summary>
    public int ListenBacklog
    {
        get => _listenBacklog;
        set => Set(ref _listenBacklog, InRange(value, 1, 65535, nameof(ListenBacklog)));
    }

    /// <summary>
    /// The most WebSocket connections open at once. A handshake over it gets 503 Service
    /// Unavailable with <c>Retry-After: 5</c> and is logged (event 107). Counted are open
    /// connections and handshakes past their checks (from the moment the request head was read
    /// and found valid, before the accept hook, to OnClose); sockets still sending their request
    /// head are not (HandshakeTimeout and MaxHandshakeSize bound those), and neither are plain
    /// HTTP requests. 0 means no limit. The default is 100,000: far above what an embedded server
    /// usually holds (an idle connection costs a few KiB), yet a bound on a connection flood.
    /// </summary>
    public int MaxConnections
    {
        get => _maxConnections;
        set => Set(ref _maxConnections, InRange(value, 0, int.MaxValue, nameof(MaxConnections)));
    }

    /// <summary>
    /// The most WebSocket connections open at once from one client address (IPv6: one /64
    /// prefix), counted as <see cref="MaxConnections"/>. A handshake over it gets 429 Too Many
    /// Requests and is logged (event 108). 0 (the default) means no limit: behind a reverse proxy
    /// or a NAT many users share one address, so only you can choose a number.
    /// </summary>
    public int MaxConnectionsPerAddress
    {
        get => _maxConnectionsPerAddress;
        set => Set(ref _maxConnectionsPerAddress, InRange(value, 0, int.MaxValue, nameof(MaxConnectionsPerAddress)));
    }

    /// <summary>
    /// The most frames (the first and its continuations) one message may arrive in; one more
    /// closes the connection with 1008 (error code <c>too_many_fragments</c>, cause
    /// PolicyViolation), checked from the frame header. Control frames in between do not count.
    /// It stops a client that keeps a message open with endless empty frames. The default is
    /// 1,024: the default MaxMessageSize (1 MiB) in pieces of 1 KiB; raise it with MaxMessageSize
    /// when your clients send large messages in small pieces.
    /// </summary>
    public int MaxFragmentsPerMessage
    {
        get => _maxFragmentsPerMessage;
        set => Set(ref _maxFragmentsPerMessage, InRange(value, 1, int.MaxValue, nameof(MaxFragmentsPerMessage)));
    }

    /// <summary>
    /// How long a message (all its fragments) or a control frame may take to arrive once its
    /// first byte has come. A client that starts a frame and then trickles bytes or goes silent
    /// is closed with 1008 "read timeout" (cause PolicyViolation) and logged (event 114). Time
    /// the server spends in handlers does not count, nor does silence between messages (that is
    /// the heartbeat's job). Checked by the server's tick, about every quarter of the timeout
    /// (at most every second). <see cref="Timeout.InfiniteTimeSpan"/> turns it off. The default
    /// is 60 seconds: the default MaxMessageSize (1 MiB) at 17 KB/s.
    /// </summary>
    public TimeSpan MessageReadTimeout
    {
        get => _messageReadTimeout;
        set => Set(ref _messageReadTimeout, PositiveOrInfinite(value, nameof(MessageReadTimeout)));
    }

    /// <summary>
    /// Finds dead peers. The default is <c>HeartbeatPolicy.PingPong()</c>: a protocol ping after
    /// 15 s of silence, closed when nothing answers within 10 s. Also <c>HeartbeatPolicy.JsonPingPong</c>,
    /// <c>HeartbeatPolicy.IdleTimeout</c>, <c>HeartbeatPolicy.None</c>, or your own <see cref="IHeartbeatPolicy"/>.
    /// Whatever the policy, a client's <c>{"type":"ping"}</c> is answered with <c>{"type":"pong"}</c>.
    /// </summary>
    public IHeartbeatPolicy Heartbeat
    {
        get => _heartbeat;
        set => Set(ref _heartbeat, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>
    /// Where handlers run. The default, <see cref="EventDispatch.Inline"/>, runs them on the
    /// connection's own receive loop and awaits them there: the fastest. Also ThreadPool (for
    /// handlers that block) and Queued (your loop calls <see cref="WsServer.PumpEvents(int)"/>).
    /// Per connection, handlers run one at a time and in order in every mode.
    /// </summary>
    public EventDispatch Dispatch
    {
        get => _dispatch;
        set => Set(ref _dispatch, value is >= EventDispatch.Inline and <= EventDispatch.Queued ? value
            : throw new ArgumentOutOfRangeException(nameof(Dispatch), value, "Use Inline, ThreadPool or Queued."));
    }

    /// <summary>
    /// ThreadPool and Queued dispatch: the message bytes (plus 64 per event) that may wait for
    /// one connection's handlers; past it the connection's socket is not read until they catch up
    /// (TCP then slows the client down). The default is 1 MiB.
    /// </summary>
    public int MaxInboundQueueBytes
    {
        get => _maxInboundQueueBytes;
        set => Set(ref _maxInboundQueueBytes, InRange(value, 1024, int.MaxValue / 2, nameof(MaxInboundQueueBytes)));
    }

    /// <summary>
    /// Queued dispatch: the events that may wait, over all connections, for PumpEvents; past
    /// it, sockets are not read until the host pumps. The default is 10,000.
    /// </summary>
    public int MaxQueuedEvents
    {
        get => _maxQueuedEvents;
        set => Set(ref _maxQueuedEvents, InRange(value, 16, int.MaxValue / 2, nameof(MaxQueuedEvents)));
    }

    /// <summary>The clock of every timeout and the heartbeat (a fake one in tests). The default is <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => Set(ref _timeProvider, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>
    /// Where the server logs. The default logs nothing (NullLoggerFactory): pass
    /// <c>LoggerFactory.Create(b => b.AddConsole())</c> (package Microsoft.Extensions.Logging.Console)
    /// to see connections, refusals and handler failures on the console.
    /// </summary>
    public ILoggerFactory LoggerFactory
    {
        get => _loggerFactory;
        set => Set(ref _loggerFactory, value ?? throw new ArgumentNullException(nameof(value)));
    }

    private static int InRange(int value, int min, int max, string name) =>
        value >= min && value <= max ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be from {min} to {max}.");

    private static TimeSpan Positive(TimeSpan value, string name) =>
        value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");

    private static TimeSpan PositiveOrInfinite(TimeSpan value, string name) =>
        value == Timeout.InfiniteTimeSpan ? value
            : value > TimeSpan.Zero ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, or Timeout.InfiniteTimeSpan for none.");
}
