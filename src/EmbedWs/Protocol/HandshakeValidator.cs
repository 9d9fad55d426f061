using System;
using System.Collections.Generic;

namespace EmbedWs.Protocol;

/// <summary>
/// The RFC 6455 §4.2.1 checklist, in order, on a parsed request head. The first failure wins;
/// <see cref="HandshakeErrors.Status"/> gives the HTTP answer.
/// </summary>
internal static class HandshakeValidator
{
    public static HandshakeError Validate(HandshakeRequest request)
    {
        if (request.Method != "GET")
        {
            return HandshakeError.MethodNotAllowed;
        }

        if (request.HttpVersion == "HTTP/1.0")
        {
            return HandshakeError.BadHttpVersion;
        }

        if (string.IsNullOrWhiteSpace(request.Header("Host")))
        {
            return HandshakeError.MissingHost;
        }

        var upgrade = request.Header("Upgrade");
        if (upgrade is null)
        {
            return HandshakeError.NotUpgrade;
        }

        if (!HasToken(upgrade, "websocket"))
        {
            return HandshakeError.BadUpgrade;
        }

        if (!HasToken(request.Header("Connection"), "upgrade"))
        {
            return HandshakeError.BadConnection;
        }

        if (!IsValidKey(request.Header("Sec-WebSocket-Key")))
        {
            return HandshakeError.BadKey;
        }

        var version = request.Header("Sec-WebSocket-Version");
        if (version is null)
        {
            return HandshakeError.MissingVersion;
        }

        return version.Trim() == WsConstants.Version ? HandshakeError.None : HandshakeError.UnsupportedVersion;
    }

    /// <summary>True when a comma-separated header value holds <paramref name="token"/> (any case).</summary>
    public static bool HasToken(string? headerValue, string token)
    {
        if (headerValue is null)
        {
            return false;
        }

        foreach (var part in headerValue.Split(','))
        {
            if (part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The comma-separated tokens of a header, trimmed, empty ones dropped.</summary>
    public static IReadOnlyList<string> Tokens(string? headerValue)
    {
        if (string.IsNullOrWhiteSpace(headerValue))
        {
            return Array.Empty<string>();
        }

        var list = new List<string>();
        foreach (var part in headerValue!.Split(','))
        {
            var t = part.Trim();
            if (t.Length > 0)
            {
                list.Add(t);
            }
        }

        return list;
    }

    /// <summary>§4.1: the key is base64 of 16 random bytes.</summary>
    public static bool IsValidKey(string? key)
    {
        if (key is null)
        {
            return false;
        }

        key = key.Trim();
        // 16 bytes encode to exactly 24 characters ending in "==".
        if (key.Length != 24)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[18];
        return Convert.TryFromBase64String(key, decoded, out int written) && written == WsConstants.KeyDecodedLength;
    }
}
