using System;
using System.Collections.Generic;
using System.Text;

namespace EmbedWs.Protocol;

/// <summary>Outcome of <see cref="HandshakeParser.TryParse"/>.</summary>
internal enum HandshakeParseStatus
{
    /// <summary>No blank line yet; read more (up to the size limit).</summary>
    Incomplete,
    /// <summary>A whole request head; the bytes after it are the first frames.</summary>
    Complete,
    /// <summary>The head is larger than the limit: answer 431.</summary>
    TooLarge,
    /// <summary>Not an HTTP/1.x request head: answer 400.</summary>
    Malformed,
}

/// <summary>
/// Parses an HTTP/1.1 request head (RFC 9112 §2-§5) from bytes, with a hard size limit.
/// Pure: no I/O, never throws for bad input.
/// </summary>
internal static class HandshakeParser
{
    private static readonly byte[] s_headEnd = { (byte)'\r', (byte)'\n', (byte)'\r', (byte)'\n' };

    public static HandshakeParseStatus TryParse(ReadOnlySpan<byte> input, int maxHeadSize, out HandshakeRequest? request, out int headLength)
    {
        request = null;
        headLength = 0;
        int end = input.IndexOf(s_headEnd);
        if (end < 0)
        {
            // Bytes that cannot start a request line (a TLS ClientHello, binary noise) are refused
            // at once rather than waited on until the size limit or the handshake timeout.
            if (!CouldStartRequestLine(input))
            {
                return HandshakeParseStatus.Malformed;
            }

            // The terminator may straddle the limit, so only a buffer past limit+3 is conclusive.
            return input.Length >= maxHeadSize ? HandshakeParseStatus.TooLarge : HandshakeParseStatus.Incomplete;
        }

        headLength = end + 4;
        if (headLength > maxHeadSize)
        {
            return HandshakeParseStatus.TooLarge;
        }

        request = Parse(input.Slice(0, end));
        return request is null ? HandshakeParseStatus.Malformed : HandshakeParseStatus.Complete;
    }

    /// <summary>
    /// True when <paramref name="input"/> starts like a TLS record of the handshake type (0x16),
    /// as a ClientHello does: a wss:// client on a plain ws:// port.
    /// </summary>
    public static bool LooksLikeTls(ReadOnlySpan<byte> input) => input.Length > 0 && input[0] == 0x16;

    /// <summary>Whether a partial head can still become a request line: its method so far is a token.</summary>
    private static bool CouldStartRequestLine(ReadOnlySpan<byte> input)
    {
        int sp = input.IndexOf((byte)' ');
        return input.IsEmpty || IsToken(sp < 0 ? input : input.Slice(0, sp));
    }

    private static HandshakeRequest? Parse(ReadOnlySpan<byte> head)
    {
        int lineEnd = IndexOfCrlf(head);
        var requestLine = lineEnd < 0 ? head : head.Slice(0, lineEnd);

        // request-line = method SP request-target SP HTTP-version
        int sp1 = requestLine.IndexOf((byte)' ');
        if (sp1 <= 0)
        {
            return null;
        }

        var rest = requestLine.Slice(sp1 + 1);
        int sp2 = rest.IndexOf((byte)' ');
        if (sp2 <= 0)
        {
            return null;
        }

        var method = requestLine.Slice(0, sp1);
        var target = rest.Slice(0, sp2);
        var version = rest.Slice(sp2 + 1);
        if (!IsToken(method) || !IsVisible(target) || !IsHttp1Version(version))
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var remaining = lineEnd < 0 ? ReadOnlySpan<byte>.Empty : head.Slice(lineEnd + 2);
        while (!remaining.IsEmpty)
        {
            int eol = IndexOfCrlf(remaining);
            var line = eol < 0 ? remaining : remaining.Slice(0, eol);
            remaining = eol < 0 ? ReadOnlySpan<byte>.Empty : remaining.Slice(eol + 2);

            // field-line = field-name ":" OWS field-value OWS; no obsolete line folding (§5.2).
            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || !IsToken(line.Slice(0, colon)))
            {
                return null;
            }

            var value = Trim(line.Slice(colon + 1));
            if (value.IndexOfAny((byte)'\r', (byte)'\n', (byte)0) >= 0)
            {
                return null;
            }

            string name = Latin1(line.Slice(0, colon));
            string text = Latin1(value);
            headers[name] = headers.TryGetValue(name, out var existing) ? existing + ", " + text : text;
        }

        return new HandshakeRequest(Latin1(method), Latin1(target), Latin1(version), headers);
    }

    /// <summary>RFC 9112 §2.3: "HTTP/" DIGIT "." DIGIT, and only major version 1 here.</summary>
    private static bool IsHttp1Version(ReadOnlySpan<byte> v) =>
        v.Length == 8 && v.StartsWith("HTTP/1."u8) && v[7] >= '0' && v[7] <= '9';

    private static int IndexOfCrlf(ReadOnlySpan<byte> s) => s.IndexOf("\r\n"u8);

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        int start = 0, end = s.Length;
        while (start < end && (s[start] == ' ' || s[start] == '\t'))
        {
            start++;
        }

        while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
        {
            end--;
        }

        return s.Slice(start, end - start);
    }

    /// <summary>RFC 9110 §5.6.2 token characters.</summary>
    private static bool IsToken(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (byte b in s)
        {
            bool ok = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                || "!#$%&'*+-.^_`|~"u8.IndexOf(b) >= 0;
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsVisible(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
        {
            if (b <= 0x20 || b == 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    private static string Latin1(ReadOnlySpan<byte> s)
    {
#if NET8_0_OR_GREATER
        return Encoding.Latin1.GetString(s);
#else
        var chars = new char[s.Length];
        for (int i = 0; i < s.Length; i++)
        {
            chars[i] = (char)s[i];
        }

        return new string(chars);
#endif
    }
}
