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

            // The checklist shared with a mount's handshakes: stopping, origins, limits, compression,
            // the accept hook, the subprotocol.
            using var decision = await UpgradeAdmission.AdmitAsync(info, request!, extendedConnect: false,
                settings, metrics, acceptor, limiter, logger).ConfigureAwait(false);

            // The handshake's token bounds the client's part (TLS and the request head), not the
            // accept hook's: a hook that took long (it may wait on a database) still gets its answer
            // written, with a limit of its own for a client that does not read it; the stop cancels
            // the handshake's token, and its 503 gets a second.
            using var write = new CancellationTokenSource(acceptor.IsStopping ? TimeSpan.FromSeconds(1) : settings.HandshakeTimeout);
            if (!decision.TryTake(out lease))
            {
                await WriteAsync(stream, HandshakeResponse.Http(decision.StatusCode, "text/plain; charset=utf-8",
                    Encoding.UTF8.GetBytes(decision.Body), decision.Headers), write.Token).ConfigureAwait(false);
                return null;
            }

            await WriteAcceptAsync(stream, HandshakeResponse.SwitchingProtocols(request!.Header("Sec-WebSocket-Key")!, info.SubProtocol, info.Extensions), write.Token).ConfigureAwait(false);

            // The connection lives on: its info keeps the raw head rather than the parsed headers.
            info.KeepHeadOnly(buffer.AsSpan(0, headLength));

            // Bytes after the head are the client's first frames: move them to the front.
            int leftover = filled - headLength;
            Buffer.BlockCopy(buffer, headLength, buffer, 0, leftover);
            handedOver = true;
            return new HandshakeOutcome(info, decision.Items, buffer, leftover, lease, decision.Compression);
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
