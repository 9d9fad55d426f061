using System;
using System.Collections.Generic;

namespace EmbedWs.Protocol;

/// <summary>An HTTP/1.1 request head as read by <see cref="HandshakeParser"/>.</summary>
internal sealed class HandshakeRequest
{
    public HandshakeRequest(string method, string target, string httpVersion, Dictionary<string, string> headers)
    {
        Method = method;
        Target = target;
        HttpVersion = httpVersion;
        Headers = headers;
        int q = target.IndexOf('?');
        Path = q < 0 ? target : target.Substring(0, q);
        QueryString = q < 0 ? string.Empty : target.Substring(q + 1);
    }

    public string Method { get; }

    /// <summary>The request target as sent, e.g. <c>/chat?room=1</c>.</summary>
    public string Target { get; }

    /// <summary>The target before '?', still percent-encoded.</summary>
    public string Path { get; }

    /// <summary>The target after '?', without it; empty when there is none.</summary>
    public string QueryString { get; }

    public string HttpVersion { get; }

    /// <summary>Header names are case-insensitive; a repeated header's values are joined with ", " (RFC 9110 §5.3).</summary>
    public Dictionary<string, string> Headers { get; }

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}
