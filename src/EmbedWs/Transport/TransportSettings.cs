using System;
using System.Collections.Generic;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Transport;

/// <summary>
/// The transport's copy of the server options, taken once at start so that a running server
/// never sees an option change under it.
/// </summary>
internal sealed class TransportSettings
{
    public int MaxMessageSize { get; init; } = 1024 * 1024;
    public int MaxHandshakeSize { get; init; } = 8 * 1024;
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public int MaxSendQueueBytes { get; init; } = 1024 * 1024;
    public int ReceiveBufferSize { get; init; } = 16 * 1024;

    /// <summary>Open connections at most; 0 for no limit.</summary>
    public int MaxConnections { get; init; }

    /// <summary>Open connections from one address (IPv6: one /64) at most; 0 for no limit.</summary>
    public int MaxConnectionsPerAddress { get; init; }

    public int MaxFragmentsPerMessage { get; init; } = int.MaxValue;

    /// <summary>How long a message or control frame may stay incomplete; infinite for no limit.</summary>
    public TimeSpan MessageReadTimeout { get; init; } = System.Threading.Timeout.InfiniteTimeSpan;
    public X509Certificate2? Certificate { get; init; }
    public SslProtocols SslProtocols { get; init; } = DefaultSslProtocols;

    /// <summary>TLS 1.2 and 1.3. netstandard2.1 has no name for 1.3, so its value (0x3000) is spelled out.</summary>
    public const SslProtocols DefaultSslProtocols = SslProtocols.Tls12 | (SslProtocols)0x3000;
    public IReadOnlyList<string> SupportedSubProtocols { get; init; } = Array.Empty<string>();
    public IReadOnlyCollection<string>? AllowedOrigins { get; init; }
    public Func<WsAcceptContext, ValueTask>? AcceptHandler { get; init; }
    public Func<WsConnectionInfo, ValueTask<WsHttpResponse?>>? HttpHandler { get; init; }
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
    public ILoggerFactory LoggerFactory { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;

    /// <summary>The server's instruments; null in tests that build a transport alone.</summary>
    public EmbedWsMetrics? Metrics { get; init; }
}

/// <summary>What the transport tells the layer above. Implemented by the server facade.</summary>
internal interface IConnectionEvents
{
    /// <summary>True once the server is stopping: new handshakes get 503.</summary>
    bool IsStopping { get; }

    /// <summary>The handshake succeeded; raised before any message of the connection.</summary>
    void OnOpened(WsConnection connection);

    /// <summary>
    /// A whole data message. Its payload stays valid until the returned task completes; the
    /// connection reads nothing more until then.
    /// </summary>
    ValueTask OnMessageAsync(WsConnection connection, WsMessage message);

    /// <summary>A pong arrived (for the heartbeat).</summary>
    void OnPong(WsConnection connection, ReadOnlySpan<byte> payload);

    /// <summary>Raised exactly once per opened connection, last.</summary>
    void OnClosed(WsConnection connection, WsCloseInfo close);

    /// <summary>User code run by the transport (accept hook, HTTP handler) threw.</summary>
    void OnError(WsConnection? connection, Exception exception);
}
