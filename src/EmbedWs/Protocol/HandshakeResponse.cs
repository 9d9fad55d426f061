using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace EmbedWs.Protocol;

/// <summary>Builds the server's side of the opening handshake (RFC 6455 §4.2.2) and HTTP refusals.</summary>
internal static class HandshakeResponse
{
    /// <summary>§4.2.2: base64(SHA-1(key + GUID)).</summary>
    public static string ComputeAccept(string key)
    {
        byte[] input = Encoding.ASCII.GetBytes(key.Trim() + WsConstants.AcceptGuid);
#if NET8_0_OR_GREATER
        byte[] hash = SHA1.HashData(input);
#else
        using var sha1 = SHA1.Create();
        byte[] hash = sha1.ComputeHash(input);
#endif
        return Convert.ToBase64String(hash);
    }

    /// <summary>The 101 answer that opens the connection.</summary>
    public static byte[] SwitchingProtocols(string key, string? subProtocol, string? extensions = null)
    {
        var sb = new StringBuilder(160);
        sb.Append("HTTP/1.1 101 Switching Protocols\r\n")
          .Append("Upgrade: websocket\r\n")
          .Append("Connection: Upgrade\r\n")
          .Append("Sec-WebSocket-Accept: ").Append(ComputeAccept(key)).Append("\r\n");
        if (subProtocol is not null)
        {
            sb.Append("Sec-WebSocket-Protocol: ").Append(subProtocol).Append("\r\n");
        }

        // §9.1 (RFC 7692 §5): the extensions accepted, only when one was.
        if (extensions is not null)
        {
            sb.Append("Sec-WebSocket-Extensions: ").Append(extensions).Append("\r\n");
        }

        sb.Append("\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>A complete HTTP/1.1 response that closes the connection after it.</summary>
    public static byte[] Http(int status, string contentType, ReadOnlySpan<byte> body, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var sb = new StringBuilder(256);
        sb.Append("HTTP/1.1 ").Append(status).Append(' ').Append(ReasonPhrase(status)).Append("\r\n");
        if (headers is not null)
        {
            foreach (var h in headers)
            {
                if (!IsSafeHeader(h.Key, h.Value))
                {
                    // A CR or LF from user code would let it write a header (or body) of its choosing.
                    throw new ArgumentException($"Header '{h.Key}' has a character not allowed in HTTP headers.", nameof(headers));
                }

                sb.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
            }
        }

        sb.Append("Content-Type: ").Append(contentType).Append("\r\n")
          .Append("Content-Length: ").Append(body.Length).Append("\r\n")
          .Append("Connection: close\r\n\r\n");
        int headLength = Encoding.ASCII.GetByteCount(sb.ToString());
        var bytes = new byte[headLength + body.Length];
        Encoding.ASCII.GetBytes(sb.ToString(), 0, sb.Length, bytes, 0);
        body.CopyTo(bytes.AsSpan(headLength));
        return bytes;
    }

    /// <summary>The refusal for a failed handshake check, with the headers the RFC asks for.</summary>
    public static byte[] Refusal(HandshakeError error) =>
        Http(error.Status(), "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(error.Message()), RefusalHeaders(error));

    /// <summary>The headers a refusal carries besides its body's, or null.</summary>
    public static List<KeyValuePair<string, string>>? RefusalHeaders(HandshakeError error) => error switch
    {
        HandshakeError.MethodNotAllowed => new() { new("Allow", "GET") },
        HandshakeError.UnsupportedVersion => new() { new("Sec-WebSocket-Version", WsConstants.Version) },
        HandshakeError.NotUpgrade => new() { new("Upgrade", "websocket"), new("Sec-WebSocket-Version", WsConstants.Version) },
        _ => null,
    };

    private static bool IsSafeHeader(string name, string value)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (c <= ' ' || c >= 0x7F || c == ':')
            {
                return false;
            }
        }

        foreach (char c in value)
        {
            if (c == '\r' || c == '\n' || c == '\0')
            {
                return false;
            }
        }

        return true;
    }

    public static string ReasonPhrase(int status) => status switch
    {
        101 => "Switching Protocols",
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        426 => "Upgrade Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
