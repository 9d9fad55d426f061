using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Protocol;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Transport;

/// <summary>The result of <see cref="ServerHandshake.RunAsync"/>: an accepted request, or nothing.</summary>
internal sealed class HandshakeOutcome
{
    public HandshakeOutcome(WsConnectionInfo info, Dictionary<string, object?>? items, byte[] leftover, int leftoverLength, ConnectionLease? lease,
        DeflateParameters? compression = null)
    {
        Compression = compression;
        Info = info;
        Items = items;
        Leftover = leftover;
        LeftoverLength = leftoverLength;
        Lease = lease;
    }

    public WsConnectionInfo Info { get; }

    public Dictionary<string, object?>? Items { get; }

    /// <summary>A pooled buffer holding bytes read after the request head: the first frames.</summary>
    public byte[] Leftover { get; }

    public int LeftoverLength { get; }

    /// <summary>The connection's slot under MaxConnections; the connection releases it when it ends.</summary>
    public ConnectionLease? Lease { get; }

    /// <summary>permessage-deflate as agreed (RFC 7692), or null.</summary>
    public DeflateParameters? Compression { get; }
}

/// <summary>
/// Reads the opening handshake from a stream and answers it (RFC 6455 §4.2): 101 and the
/// accept key, or an HTTP refusal, or the HTTP fallback handler's page.
/// </summary>
internal static class ServerHandshake
{
    /// <summary>
    /// Runs the handshake. Returns null when the connection did not become a WebSocket (refused,
    /// served as plain HTTP, or closed); the caller then closes the stream. Throws
    /// OperationCanceledException when <paramref name="cancellationToken"/> (the handshake timeout) fires.
    /// </summary>
    public static async Task<HandshakeOutcome?> RunAsync(
        Stream stream, EndPoint? remote, EndPoint? local, bool isSecure,
        WsSettings settings, EmbedWsMetrics? metrics, IConnectionAcceptor acceptor, ConnectionLimiter limiter, ILogger logger, CancellationToken cancellationToken)
    {
#if NET8_0_OR_GREATER
        // A socket that has sent nothing yet holds no buffer: many silent sockets (a slowloris)
        // cost no memory here while they wait for HandshakeTimeout.
        //
        // The wait itself takes no token: a socket keeps its pending read's operation object for
        // reuse, with the registration of the token that read had, and so would keep this
        // handshake's timeout source (with its registration, ~200 B) alive for the connection's
        // life. The timeout is applied around the wait instead.
        if (stream is NetworkStream)
        {
            await WaitReadableAsync(stream).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
#endif

        // +3 so a head of exactly MaxHandshakeSize bytes whose terminator ends at the limit fits.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(settings.MaxHandshakeSize + 3);
        bool handedOver = false;
        ConnectionLease? lease = null;
        try
        {
            int filled = 0;
            HandshakeRequest? request;
            int headLength;
            while (true)
            {
                int n = await stream.ReadAsync(buffer.AsMemory(filled, settings.MaxHandshakeSize + 3 - filled), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    TransportLog.HandshakeFailed(logger, remote, "closed before the request head was complete");
                    return null;
                }

                filled += n;
                var status = HandshakeParser.TryParse(buffer.AsSpan(0, filled), settings.MaxHandshakeSize, out request, out headLength);
                if (status == HandshakeParseStatus.Incomplete)
                {
                    continue;
                }

                if (status != HandshakeParseStatus.Complete)
                {
                    var error = status == HandshakeParseStatus.TooLarge ? HandshakeError.HeadTooLarge
                        : !isSecure && HandshakeParser.LooksLikeTls(buffer.AsSpan(0, filled)) ? HandshakeError.TlsOnPlainPort
                        : HandshakeError.MalformedRequest;
                    await RefuseAsync(stream, error, remote, metrics, logger, cancellationToken).ConfigureAwait(false);
                    return null;
                }

                break;
            }

            var info = new WsConnectionInfo(request!, remote, local, isSecure);
            var check = HandshakeValidator.Validate(request!);
            if (check == HandshakeError.NotUpgrade && request!.Method == "GET")
            {
                await ServeHttpAsync(stream, info, settings, metrics, acceptor, logger, cancellationToken).ConfigureAwait(false);
                return null;
            }

            if (check != HandshakeError.None)
            {
                await RefuseAsync(stream, check, remote, metrics, logger, cancellationToken).ConfigureAwait(false);
                return null;
            }

            if (acceptor.IsStopping)
            {
                await RefuseStoppingAsync(stream, remote, metrics, logger).ConfigureAwait(false);
                return null;
            }

            if (settings.AllowedOrigins is { } origins && !IsOriginAllowed(info.Origin, origins))
            {
                metrics?.HandshakeRejected(403);
                await WriteAsync(stream, HandshakeResponse.Http(403, "text/plain; charset=utf-8", "Origin not allowed"u8), cancellationToken).ConfigureAwait(false);
                TransportLog.HandshakeRefused(logger, remote, 403, "origin not allowed: " + (info.Origin ?? "(none)"));
                return null;
            }

            // Limits come after the cheap checks and before the accept hook, which may be costly.
            var admission = limiter.TryAcquire((remote as IPEndPoint)?.Address, out lease);
            if (admission != ConnectionAdmission.Admitted)
            {
                await RefuseOverLimitAsync(stream, admission, limiter, remote, metrics, logger, cancellationToken).ConfigureAwait(false);
                return null;
            }

            // permessage-deflate as for a mount (ConnectionCompression), before the accept hook sees it.
            var compression = ConnectionCompression.Negotiate(settings, request!.Header("Sec-WebSocket-Extensions"));
            var context = new WsAcceptContext(info, ChooseSubProtocol(info.RequestedSubProtocols, settings.SupportedSubProtocols), compression);
            if (settings.AcceptHandler is { } hook)
            {
                try
                {
                    await hook(context).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    acceptor.OnError(ex);
                    metrics?.HandshakeRejected(500);
                    await WriteAsync(stream, HandshakeResponse.Http(500, "text/plain; charset=utf-8", "Internal server error"u8), cancellationToken).ConfigureAwait(false);
                    return null;
                }

                if (context.IsRejected)
                {
                    var body = Encoding.UTF8.GetBytes(context.RejectBody ?? HandshakeResponse.ReasonPhrase(context.RejectStatus));
                    metrics?.HandshakeRejected(context.RejectStatus);
                    await WriteAsync(stream, HandshakeResponse.Http(context.RejectStatus, "text/plain; charset=utf-8", body), cancellationToken).ConfigureAwait(false);
                    TransportLog.Rejected(logger, remote, context.RejectStatus);
                    return null;
                }
            }

            // The server began to stop while the accept hook ran (it may wait on a database):
            // answer 503 rather than open a connection that would be closed at once.
            if (acceptor.IsStopping)
            {
                await RefuseStoppingAsync(stream, remote, metrics, logger).ConfigureAwait(false);
                return null;
            }

            // §4.2.2: the subprotocol answered must be one the client offered.
            string? sub = context.SubProtocol;
            if (sub is not null && !Contains(info.RequestedSubProtocols, sub))
            {
                sub = null;
            }

            info.SubProtocol = sub;
            compression = context.Compression;
            info.Extensions = compression?.Answer;

            // The handshake's token bounds the client's part (TLS and the request head), not the
            // accept hook's: a hook that took long (it may wait on a database) still answers 101,
            // with a limit of its own for a client that does not read it.
            using (var write = new CancellationTokenSource(settings.HandshakeTimeout))
            {
                await WriteAcceptAsync(stream, HandshakeResponse.SwitchingProtocols(request!.Header("Sec-WebSocket-Key")!, sub, info.Extensions), write.Token).ConfigureAwait(false);
            }

            // The connection lives on: its info keeps the raw head rather than the parsed headers.
            info.KeepHeadOnly(buffer.AsSpan(0, headLength));

            // Bytes after the head are the client's first frames: move them to the front.
            int leftover = filled - headLength;
            Buffer.BlockCopy(buffer, headLength, buffer, 0, leftover);
            handedOver = true;
            return new HandshakeOutcome(info, context._items, buffer, leftover, lease, compression);
        }
        finally
        {
            if (!handedOver)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                lease?.Release();
            }
        }
    }

#if NET8_0_OR_GREATER
    /// <summary>
    /// Completes when the client sent something (or ended, or the socket failed or was closed:
    /// the read that follows reports those).
    /// </summary>
    private static async Task WaitReadableAsync(Stream stream)
    {
        try
        {
            await stream.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
        }
    }
#endif

    /// <summary>First of the client's offers (in the client's order) that the server supports.</summary>
    internal static string? ChooseSubProtocol(IReadOnlyList<string> requested, IReadOnlyList<string> supported)
    {
        foreach (var offer in requested)
        {
            if (Contains(supported, offer))
            {
                return offer;
            }
        }

        return null;
    }

    internal static bool IsOriginAllowed(string? origin, IReadOnlyCollection<string> allowed)
    {
        if (origin is null)
        {
            return false;
        }

        foreach (var a in allowed)
        {
            if (a == "*" || string.Equals(a.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        foreach (var s in list)
        {
            if (string.Equals(s, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task ServeHttpAsync(Stream stream, WsConnectionInfo info, WsSettings settings, EmbedWsMetrics? metrics, IConnectionAcceptor acceptor, ILogger logger, CancellationToken ct)
    {
        WsHttpResponse? response = null;
        if (settings.HttpHandler is { } handler)
        {
            try
            {
                response = await handler(info).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                acceptor.OnError(ex);
                response = WsHttpResponse.Text("Internal server error", statusCode: 500);
            }
        }

        byte[] bytes;
        try
        {
            bytes = response is null
                ? HandshakeResponse.Refusal(HandshakeError.NotUpgrade)
                : HandshakeResponse.Http(response.StatusCode, response.ContentType, response.Body, response.Headers);
        }
        catch (ArgumentException ex)
        {
            acceptor.OnError(ex);
            response = WsHttpResponse.Text("Internal server error", statusCode: 500);
            bytes = HandshakeResponse.Http(500, response.ContentType, response.Body);
        }
        if (response is null)
        {
            // No page for a plain GET: the default answer refuses it as a WebSocket handshake.
            metrics?.HandshakeRejected(426);
        }

        await WriteAsync(stream, bytes, ct).ConfigureAwait(false);
        TransportLog.HttpServed(logger, info.Method, info.Path, info.RemoteEndPoint, response?.StatusCode ?? 426);
    }

    /// <summary>
    /// 503 while stopping. Not bound to the handshake's token, which the stop cancels: a short
    /// limit of its own (the answer is small and normally fits the socket's send buffer at once).
    /// </summary>
    private static async Task RefuseStoppingAsync(Stream stream, EndPoint? remote, EmbedWsMetrics? metrics, ILogger logger)
    {
        metrics?.HandshakeRejected(503);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await WriteAsync(stream, HandshakeResponse.Http(503, "text/plain; charset=utf-8", "Server is stopping"u8), limit.Token).ConfigureAwait(false);
        TransportLog.HandshakeRefused(logger, remote, 503, "server stopping");
    }

    private static async Task RefuseAsync(Stream stream, HandshakeError error, EndPoint? remote, EmbedWsMetrics? metrics, ILogger logger, CancellationToken ct)
    {
        if (error == HandshakeError.TlsOnPlainPort)
        {
            TransportLog.TlsOnPlainPort(logger, remote);
        }
        else
        {
            TransportLog.HandshakeRefused(logger, remote, error.Status(), error.Message());
        }

        metrics?.HandshakeRejected(error.Status());
        await WriteAsync(stream, HandshakeResponse.Refusal(error), ct).ConfigureAwait(false);
    }

    /// <summary>503 with Retry-After when the server is full, 429 when this client's address is.</summary>
    private static async Task RefuseOverLimitAsync(Stream stream, ConnectionAdmission admission, ConnectionLimiter limiter, EndPoint? remote,
        EmbedWsMetrics? metrics, ILogger logger, CancellationToken ct)
    {
        byte[] answer;
        int status;
        if (admission == ConnectionAdmission.ServerFull)
        {
            TransportLog.ConnectionLimit(logger, remote, limiter.MaxConnections);
            status = 503;
            answer = HandshakeResponse.Http(status, "text/plain; charset=utf-8", "Server full: too many connections"u8, s_retryAfter);
        }
        else
        {
            var address = ((IPEndPoint)remote!).Address;
            TransportLog.AddressLimit(logger, remote, limiter.MaxPerAddress, ConnectionLimiter.KeyOf(address).ToString());
            status = 429;
            answer = HandshakeResponse.Http(status, "text/plain; charset=utf-8", "Too many connections from your address"u8);
        }

        metrics?.HandshakeRejected(status);

        await WriteAsync(stream, answer, ct).ConfigureAwait(false);
    }

    private static readonly KeyValuePair<string, string>[] s_retryAfter = { new("Retry-After", "5") };

    /// <summary>
    /// Writes the 101. On a plain socket it is first offered to the socket without waiting: a
    /// fresh connection's send buffer takes it whole, and NetworkStream then never creates its
    /// write machinery (about 300 bytes a connection) for a connection that never sends.
    /// What the socket does not take at once goes the usual way.
    /// </summary>
    private static Task WriteAcceptAsync(Stream stream, byte[] bytes, CancellationToken ct)
    {
        int sent = 0;
#if NET8_0_OR_GREATER
        if (stream is NetworkStream { Socket: { } socket })
        {
            socket.Blocking = false;
            try
            {
                sent = socket.Send(bytes, 0, bytes.Length, SocketFlags.None, out _);
            }
            finally
            {
                socket.Blocking = true;
            }
        }
#endif

        return sent >= bytes.Length ? Task.CompletedTask : WriteAsync(stream, bytes.AsMemory(Math.Max(sent, 0)), ct);
    }

    private static Task WriteAsync(Stream stream, byte[] bytes, CancellationToken ct) => WriteAsync(stream, bytes.AsMemory(), ct);

    private static async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        await stream.WriteAsync(bytes, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }
}
