using System.Threading;
using EmbedWs.Protocol;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Transport;

// Connections whose handshake another HTTP server did (WsServer.AcceptAsync): numbered, limited
// and set up like the listener's own, over the other server's stream instead of a socket.
internal sealed partial class WsListener
{
    /// <summary>The transport's logger, for the mount's handshake checks.</summary>
    internal ILogger Logger => _logger;

    /// <summary>A connection over <paramref name="stream"/>, already upgraded; it holds <paramref name="lease"/> until it ends.</summary>
    public WsConnection Mount(MountedStream stream, WsConnectionInfo info, ConnectionLease? lease, DeflateParameters? compression) =>
        new(Interlocked.Increment(ref _nextId), stream, socket: null, info, _shared, ConnectionCompression.Create(compression, _settings))
        {
            Lease = lease,
        };
}
