using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Protocol;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Transport;

/// <summary>
/// Accepts TCP connections on one or more endpoints, runs TLS and the handshake for each, and
/// hands the accepted ones to <see cref="WsConnection"/>. A failure on one socket is logged
/// and closes only that socket.
/// </summary>
internal sealed partial class WsListener
{
    private readonly WsSettings _settings;
    private readonly EmbedWsMetrics? _metrics;
    private readonly IConnectionAcceptor _acceptor;
    private readonly ILogger _logger;
    private readonly List<Socket> _sockets = new();
    private readonly List<Task> _acceptLoops = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConnectionLimiter _limiter;
    private readonly ConnectionShared _shared;
    private long _nextId;

    public WsListener(WsSettings settings, EmbedWsMetrics? metrics, IConnectionAcceptor acceptor)
    {
        _settings = settings;
        _metrics = metrics;
        _acceptor = acceptor;
        _logger = settings.LoggerFactory.CreateLogger("EmbedWs.Transport");
        _limiter = new ConnectionLimiter(settings.MaxConnections, settings.MaxConnectionsPerAddress);
        _shared = new ConnectionShared(settings, metrics, _logger);
    }

    /// <summary>Counts connections against MaxConnections and MaxConnectionsPerAddress.</summary>
    internal ConnectionLimiter Limiter => _limiter;

    /// <summary>The endpoints actually bound (with the real port when 0 was asked).</summary>
    public IReadOnlyList<IPEndPoint> LocalEndPoints { get; private set; } = Array.Empty<IPEndPoint>();

    /// <summary>
    /// Binds every endpoint (all on the port the first one got when the port is 0) and starts
    /// accepting. Throws <see cref="IOException"/> naming the endpoint when one cannot be bound
    /// (the inner <see cref="SocketException"/> says why, e.g. AddressAlreadyInUse).
    /// </summary>
    public void Start(IReadOnlyList<IPEndPoint> endPoints, int backlog)
    {
        var bound = new List<IPEndPoint>();
        IPEndPoint? binding = null;
        try
        {
            int port = endPoints[0].Port;
            foreach (var ep in endPoints)
            {
                binding = new IPEndPoint(ep.Address, port);
                var socket = new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                _sockets.Add(socket);
                if (ep.AddressFamily == AddressFamily.InterNetworkV6 && ep.Address.Equals(IPAddress.IPv6Any))
                {
                    // [::] takes IPv4 clients too (dual-stack).
                    socket.DualMode = true;
                }

                // No SO_REUSEPORT: a second server on a port in use must fail, not share it.
                // (On Unix, .NET sets SO_REUSEADDR on TCP sockets before bind, so a port whose
                // old connections are in TIME_WAIT can be bound again at once.)
                socket.Bind(binding);
                socket.Listen(backlog);
                var local = (IPEndPoint)socket.LocalEndPoint!;
                port = local.Port;
                bound.Add(local);
                TransportLog.Listening(_logger, local);
            }
        }
        catch (Exception ex)
        {
            foreach (var s in _sockets)
            {
                s.Dispose();
            }

            _sockets.Clear();
            if (ex is SocketException socketError && binding is not null)
            {
                throw new IOException($"Cannot listen on {binding}: {BindFailure(socketError)}", socketError);
            }

            throw;
        }

        LocalEndPoints = bound;
        foreach (var socket in _sockets)
        {
            _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(socket)));
        }
    }

    private static string BindFailure(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => "the address is already in use (is another server listening on this port?).",
        SocketError.AccessDenied => "access denied (ports below 1024 need privileges).",
        SocketError.AddressNotAvailable => "the address is not one of this machine's.",
        _ => ex.Message,
    };

    /// <summary>Stops accepting, frees the ports, and cancels handshakes still running.</summary>
    public async Task StopAcceptingAsync()
    {
        _stopping.Cancel();
        foreach (var s in _sockets)
        {
            s.Dispose();
        }

        try
        {
            await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException or OperationCanceledException)
        {
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (_stopping.IsCancellationRequested || ex.SocketErrorCode == SocketError.OperationAborted)
            {
                return;
            }
            catch (SocketException ex)
            {
                // EMFILE, a connection reset before accept, ...: log and go on accepting.
                TransportLog.AcceptFailed(_logger, listener.LocalEndPoint, ex);
                continue;
            }

            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(Socket socket)
    {
        EndPoint? remote = null, local = null;
        Stream? stream = null;
        HandshakeOutcome? outcome = null;
        try
        {
            // Inside the try: on a socket the client already reset, even this may throw, and
            // nothing may escape this fire-and-forget task.
            socket.NoDelay = true;
            if (_settings.SocketSendBufferBytes != 0)
            {
                socket.SendBufferSize = _settings.SocketSendBufferBytes;
            }

            remote = socket.RemoteEndPoint;
            local = socket.LocalEndPoint;
            stream = new NetworkStream(socket, ownsSocket: true);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(_settings.HandshakeTimeout);
            if (_settings.Certificate is { } certificate)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    EnabledSslProtocols = _settings.SslProtocols,
                    ClientCertificateRequired = false,
                }, timeout.Token).ConfigureAwait(false);
            }

            outcome = await ServerHandshake.RunAsync(stream, remote, local, _settings.Certificate is not null,
                _settings, _metrics, _acceptor, _limiter, _logger, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            TransportLog.HandshakeFailed(_logger, remote, "cancelled: the server is stopping");
        }
        catch (OperationCanceledException)
        {
            TransportLog.HandshakeTimeout(_logger, remote, _settings.HandshakeTimeout);
        }
        catch (Exception ex) when (ex is AuthenticationException || (ex is IOException && _settings.Certificate is not null && stream is SslStream { IsAuthenticated: false }))
        {
            TransportLog.TlsFailed(_logger, remote, ex.Message);
        }
        catch (Exception ex)
        {
            TransportLog.HandshakeFailed(_logger, remote, ex.Message);
        }

        if (outcome is null)
        {
            await CloseGracefullyAsync(socket, stream).ConfigureAwait(false);
            return;
        }

        var deflate = ConnectionCompression.Create(outcome.Compression, _settings);
        var connection = new WsConnection(Interlocked.Increment(ref _nextId), stream!, socket, outcome.Info, _shared, deflate)
        {
            Lease = outcome.Lease,
        };

        // Not awaited: this method's state (its locals, the handshake's timeout source, the
        // outcome) would otherwise stay alive as long as the connection. RunAsync ends the
        // connection itself and catches what its handlers throw; Completion reports its end.
        var handler = _acceptor.Adopt(connection, outcome.Items);
        _ = connection.RunAsync(handler, outcome.Leftover, outcome.LeftoverLength);
    }

    /// <summary>
    /// Ends a refused connection so that the client reads the answer: send FIN, then read and
    /// drop what the client still sends (briefly). Closing with unread bytes would reset the
    /// connection, and a reset can destroy the answer before the client reads it.
    /// </summary>
    private static async Task CloseGracefullyAsync(Socket socket, Stream? stream)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            using var linger = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var scratch = new byte[512];
            int total = 0;
            while (total < 64 * 1024)
            {
                int n = await socket.ReceiveAsync(scratch.AsMemory(), SocketFlags.None, linger.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
        }

        stream?.Dispose();
        socket.Dispose();
    }
}
