using System;
using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Transport;

namespace EmbedWs;

// Connections whose handshake another HTTP server received (ASP.NET Core's MapEmbedWs, or any
// server that can hand over a request's stream): checked here, then run by the same pump, with
// the same handlers, limits, heartbeat, groups and metrics as the listener's own.
public sealed partial class WsServer
{
    /// <summary>
    /// Checks a WebSocket handshake that another HTTP server received, as this server's own
    /// listener checks one (RFC 6455 §4.2.1, or RFC 8441 over HTTP/2): the request's headers,
    /// then stopping (503), <see cref="WsServerOptions.AllowedOrigins"/> (403), the connection
    /// limits (503, 429), then <see cref="WsServerOptions.AcceptHandler"/>, which sees the request
    /// and its <see cref="WsConnectionInfo.User"/>, may choose the subprotocol or reject. The other
    /// server sends the decision's status, headers and body; when it is accepted and the other
    /// server has switched protocols, <see cref="AcceptAsync"/> runs the connection. A plain
    /// request (no Upgrade header) is refused with 426 and <c>Upgrade: websocket</c>.
    /// </summary>
    /// <param name="request">The request as the other server received it.</param>
    /// <returns>The decision; an accepted one holds a connection slot until it is run or disposed.</returns>
    /// <exception cref="InvalidOperationException">The server was not started.</exception>
    public Task<WsUpgradeDecision> AdmitAsync(WsUpgradeRequest request)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        EnsureStartedForMount();
        return UpgradeAdmission.DecideAsync(request, _settings!, _metrics, this, _listener!.Limiter, _listener.Logger);
    }

    /// <summary>
    /// Runs a connection whose handshake another HTTP server completed: <paramref name="stream"/>
    /// is the upgraded connection's duplex stream (its first bytes are the client's first frame).
    /// From here on the connection is this server's, as if its own listener had accepted it:
    /// OnConnect, messages in order, exactly one OnClose, the limits, the slow-consumer policy,
    /// the heartbeat, groups, metrics and dispatch. The returned task completes when the
    /// connection has ended and its OnClose was raised (queued, with Queued dispatch); it never
    /// faults. When the client may still be writing (it broke the protocol, or its close did not
    /// arrive), the task first reads and drops what it sends, until it ends its side or for at
    /// most a second, so that the other server does not end the connection with bytes unread
    /// (its TCP would reset the connection). The stream is not disposed: the other server owns
    /// it, and ends the connection when this task completes (keep the request running until then).
    /// </summary>
    /// <param name="decision">An accepted decision of <see cref="AdmitAsync"/>, used once.</param>
    /// <param name="stream">The upgraded connection's stream.</param>
    /// <returns>A task that completes when the connection has ended.</returns>
    /// <exception cref="InvalidOperationException">The decision is a refusal, or was used or disposed before, or the server was not started.</exception>
    public Task AcceptAsync(WsUpgradeDecision decision, Stream stream)
    {
        if (decision is null)
        {
            throw new ArgumentNullException(nameof(decision));
        }

        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        EnsureStartedForMount();
        if (!decision.TryTake(out var lease))
        {
            throw new InvalidOperationException(decision.IsAccepted
                ? "This decision was already used or disposed: each one opens one connection."
                : $"The handshake was refused ({decision.StatusCode}): send the decision's answer instead.");
        }

        var mounted = new MountedStream(stream);
        var connection = _listener!.Mount(mounted, decision.Info!, lease, decision.Compression);
        var handler = ((IConnectionAcceptor)this).Adopt(connection, decision.Items);
        var completion = connection.Completion;

        // The read loop's buffer, as the listener hands over the one its handshake read into.
        _ = connection.RunAsync(handler, ArrayPool<byte>.Shared.Rent(WsConnection.ReceiveBufferSize), 0);
        return EndMountedAsync(completion, mounted);
    }

    /// <summary>The connection's end, then what a client still writing sends (see <see cref="MountedStream.DrainAsync"/>).</summary>
    private static async Task EndMountedAsync(Task completion, MountedStream stream)
    {
        await completion.ConfigureAwait(false);
        await stream.DrainAsync().ConfigureAwait(false);
    }

    private void EnsureStartedForMount()
    {
        if (Volatile.Read(ref _state) == Created)
        {
            throw new InvalidOperationException("Start the server (StartAsync) before handing it connections.");
        }
    }
}
