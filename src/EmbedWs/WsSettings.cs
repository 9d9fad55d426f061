using System;
using System.Collections.Generic;
using System.IO.Compression;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace EmbedWs;

/// <summary>
/// The immutable settings a started server runs on: <see cref="WsServerOptions"/> frozen by
/// <c>StartAsync</c> (<see cref="WsServerOptions.Freeze"/>). Every layer reads its values from
/// here, so a running server never sees an option change under it. No defaults are written
/// here: they are the options'. It sits at the bottom of the layers (with the public types it
/// holds), so the transport, the heartbeat, dispatch and routing can all take it.
/// </summary>
internal sealed class WsSettings
{
    public string? Url { get; init; }

    public IPEndPoint Endpoint { get; init; } = null!;

    /// <summary>False: no listening socket; connections come only through WsServer.AcceptAsync.</summary>
    public bool Listen { get; init; }

    public X509Certificate2? Certificate { get; init; }

    public SslProtocols SslProtocols { get; init; }

    public IReadOnlyList<string> SupportedSubProtocols { get; init; } = null!;

    public IReadOnlyCollection<string>? AllowedOrigins { get; init; }

    public Func<WsAcceptContext, ValueTask>? AcceptHandler { get; init; }

    public Func<WsConnectionInfo, ValueTask<WsHttpResponse?>>? HttpHandler { get; init; }

    public int MaxMessageSize { get; init; }

    public int MaxHandshakeSize { get; init; }

    public int MaxSendQueueBytes { get; init; }

    /// <summary>Resolved: never 0 (a quarter of MaxSendQueueBytes when the option was not set).</summary>
    public int SendQueueSoftLimitBytes { get; init; }

    /// <summary>SO_SNDBUF of accepted sockets; 0 for the system's.</summary>
    public int SocketSendBufferBytes { get; init; }

    /// <summary>0 for no limit.</summary>
    public int MaxMessagesPerSecond { get; init; }

    /// <summary>0 for no limit.</summary>
    public int MaxBytesPerSecond { get; init; }

    public WsRateLimitPolicy RateLimitPolicy { get; init; }

    /// <summary>Null for none.</summary>
    public WsNetworkConditions? NetworkSimulation { get; init; }

    public int ListenBacklog { get; init; }

    public TimeSpan HandshakeTimeout { get; init; }

    public TimeSpan CloseTimeout { get; init; }

    public TimeSpan StopTimeout { get; init; }

    /// <summary>Infinite for none.</summary>
    public TimeSpan HandlerTimeout { get; init; }

    /// <summary>0 for no limit.</summary>
    public int MaxConnections { get; init; }

    /// <summary>0 for no limit.</summary>
    public int MaxConnectionsPerAddress { get; init; }

    public int MaxFragmentsPerMessage { get; init; }

    /// <summary>Infinite for none.</summary>
    public TimeSpan MessageReadTimeout { get; init; }

    public IHeartbeatPolicy Heartbeat { get; init; } = null!;

    public EventDispatch Dispatch { get; init; }

    public int MaxInboundQueueBytes { get; init; }

    public int MaxQueuedEvents { get; init; }

    public IWsJsonSerializer JsonSerializer { get; init; } = null!;

    public bool ShowExceptionDetails { get; init; }

    public bool UnroutedTextToOnMessage { get; init; }

    public bool Compression { get; init; }

    public int CompressionThreshold { get; init; }

    public CompressionLevel CompressionLevel { get; init; }

    public bool CompressionServerContextTakeover { get; init; }

    public bool CompressionClientContextTakeover { get; init; }

    public string? RoutePath { get; init; }

    /// <summary>The dashboard's path; null when it is off.</summary>
    public string? DashboardPath { get; init; }

    public int DashboardMaxRows { get; init; }

    public TimeProvider TimeProvider { get; init; } = null!;

    public ILoggerFactory LoggerFactory { get; init; } = null!;

    /// <summary><paramref name="duration"/> in <see cref="TimeProvider"/> timestamp units; 0 for an infinite one (no deadline).</summary>
    public long TimestampTicks(TimeSpan duration) =>
        duration == Timeout.InfiniteTimeSpan ? 0 : Math.Max(1, (long)(duration.Ticks * (TimeProvider.TimestampFrequency / (double)TimeSpan.TicksPerSecond)));
}
