using System;
using System.Net;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Transport;

/// <summary>Log lines of the transport, with stable event ids (1xx).</summary>
internal static partial class TransportLog
{
    [LoggerMessage(100, LogLevel.Information, "Listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, EndPoint endPoint);

    [LoggerMessage(101, LogLevel.Warning, "Handshake from {Remote} refused with {Status}: {Error}")]
    public static partial void HandshakeRefused(ILogger logger, EndPoint? remote, int status, string error);

    [LoggerMessage(102, LogLevel.Warning, "Handshake from {Remote} did not complete within {Timeout}")]
    public static partial void HandshakeTimeout(ILogger logger, EndPoint? remote, TimeSpan timeout);

    [LoggerMessage(103, LogLevel.Warning, "TLS handshake from {Remote} failed: {Message}")]
    public static partial void TlsFailed(ILogger logger, EndPoint? remote, string message);

    [LoggerMessage(104, LogLevel.Debug, "Handshake from {Remote} ended: {Message}")]
    public static partial void HandshakeFailed(ILogger logger, EndPoint? remote, string message);

    [LoggerMessage(105, LogLevel.Information, "Handshake from {Remote} rejected by the accept hook with {Status}")]
    public static partial void Rejected(ILogger logger, EndPoint? remote, int status);

    [LoggerMessage(106, LogLevel.Debug, "HTTP {Method} {Path} from {Remote}: {Status}")]
    public static partial void HttpServed(ILogger logger, string method, string path, EndPoint? remote, int status);

    [LoggerMessage(107, LogLevel.Warning, "Handshake from {Remote} refused with 503: {Limit} connections are open (MaxConnections)")]
    public static partial void ConnectionLimit(ILogger logger, EndPoint? remote, int limit);

    [LoggerMessage(108, LogLevel.Warning, "Handshake from {Remote} refused with 429: {Limit} connections are open from {Address} (MaxConnectionsPerAddress)")]
    public static partial void AddressLimit(ILogger logger, EndPoint? remote, int limit, string address);

    [LoggerMessage(109, LogLevel.Warning, "Handshake from {Remote} refused with 400: TLS on a plain ws:// port (serve wss:// with a Certificate, or connect with ws://)")]
    public static partial void TlsOnPlainPort(ILogger logger, EndPoint? remote);

    [LoggerMessage(110, LogLevel.Warning, "Connection {Id} from {Remote}: protocol error {Error} ({Code})")]
    public static partial void ProtocolError(ILogger logger, long id, EndPoint? remote, string error, int code);

    [LoggerMessage(111, LogLevel.Warning, "Connection {Id} from {Remote}: send queue over {Limit} bytes, closing as a slow consumer")]
    public static partial void SlowConsumer(ILogger logger, long id, EndPoint? remote, int limit);

    [LoggerMessage(112, LogLevel.Debug, "Connection {Id}: closing handshake not finished within {Timeout}, dropping the socket")]
    public static partial void CloseTimeout(ILogger logger, long id, TimeSpan timeout);

    [LoggerMessage(113, LogLevel.Debug, "Connection {Id}: I/O ended: {Message}")]
    public static partial void IoEnded(ILogger logger, long id, string message);

    [LoggerMessage(114, LogLevel.Warning, "Connection {Id} from {Remote}: a message stayed incomplete for more than {Timeout}, closing with 1008")]
    public static partial void MessageReadTimeout(ILogger logger, long id, EndPoint? remote, TimeSpan timeout);

    [LoggerMessage(115, LogLevel.Debug, "Connection {Id} from {Remote}: several pings in one read; only the latest is answered (RFC 6455 §5.5.3)")]
    public static partial void PingsCoalesced(ILogger logger, long id, EndPoint? remote);

    [LoggerMessage(116, LogLevel.Error, "Connection {Id} failed")]
    public static partial void ConnectionFailed(ILogger logger, long id, Exception exception);

    [LoggerMessage(120, LogLevel.Error, "Accept loop on {EndPoint} failed")]
    public static partial void AcceptFailed(ILogger logger, EndPoint? endPoint, Exception exception);
}
