using System;
using System.Collections.Generic;
using System.Text;

namespace EmbedWs;

/// <summary>The answer of the HTTP fallback handler to a plain (non-WebSocket) GET.</summary>
public sealed class WsHttpResponse
{
    /// <summary>Creates a response.</summary>
    /// <param name="statusCode">The HTTP status, 200-599.</param>
    /// <param name="contentType">The Content-Type header.</param>
    /// <param name="body">The body bytes.</param>
    public WsHttpResponse(int statusCode, string contentType, byte[] body)
    {
        if (statusCode < 200 || statusCode > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "Use a status from 200 to 599.");
        }

        StatusCode = statusCode;
        ContentType = contentType ?? throw new ArgumentNullException(nameof(contentType));
        Body = body ?? throw new ArgumentNullException(nameof(body));
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>The Content-Type header.</summary>
    public string ContentType { get; }

    /// <summary>The body.</summary>
    public byte[] Body { get; }

    /// <summary>Extra response headers (for example Cache-Control).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>A UTF-8 text response.</summary>
    /// <param name="text">The body.</param>
    /// <param name="contentType">The media type; "text/plain" by default.</param>
    /// <param name="statusCode">The status; 200 by default.</param>
    public static WsHttpResponse Text(string text, string contentType = "text/plain", int statusCode = 200) =>
        new(statusCode, contentType + "; charset=utf-8", Encoding.UTF8.GetBytes(text));

    /// <summary>An HTML page.</summary>
    /// <param name="html">The page.</param>
    public static WsHttpResponse Html(string html) => Text(html, "text/html");

    /// <summary>404 Not Found.</summary>
    public static WsHttpResponse NotFound() => Text("Not found", statusCode: 404);
}
