using EmbedWs.Transport;

namespace EmbedWs.Tests.TestSupport;

/// <summary>The library's own parts behind a connection, for tests that look inside.</summary>
internal static class Internals
{
    /// <summary>The socket pump and protocol session of one of a server's connections.</summary>
    public static WsConnection Transport(this IWsConnection connection) => ((ServerConnection)connection).Transport;
}
