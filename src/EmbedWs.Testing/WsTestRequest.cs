using System.Collections.Generic;
using System.Net;
using System.Security.Claims;

namespace EmbedWs.Testing;

/// <summary>What a <see cref="WsTestClient"/> presents in its handshake: what the accept hook and handlers see in <see cref="WsConnectionInfo"/>.</summary>
public sealed class WsTestRequest
{
    /// <summary>The request path. "/" by default.</summary>
    public string Path { get; set; } = "/";

    /// <summary>The query after '?', without it; empty by default.</summary>
    public string QueryString { get; set; } = string.Empty;

    /// <summary>Extra request headers (Origin, Cookie, Authorization, ...); the handshake's own are added.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(System.StringComparer.OrdinalIgnoreCase);

    /// <summary>The subprotocols offered, in order of preference; none by default.</summary>
    public IList<string> SubProtocols { get; } = new List<string>();

    /// <summary>The user, as an HTTP server in front would have authenticated it; null by default.</summary>
    public ClaimsPrincipal? User { get; set; }

    /// <summary>The client's address as the server sees it; null by default (there is no socket).</summary>
    public IPEndPoint? RemoteEndPoint { get; set; }
}
