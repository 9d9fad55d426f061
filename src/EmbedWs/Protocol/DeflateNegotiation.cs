using System;
using System.Collections.Generic;
using System.Text;

namespace EmbedWs.Protocol;

/// <summary>What the server is willing to agree to, from its settings.</summary>
internal readonly struct DeflatePolicy
{
    public DeflatePolicy(bool serverContextTakeover, bool clientContextTakeover)
    {
        ServerContextTakeover = serverContextTakeover;
        ClientContextTakeover = clientContextTakeover;
    }

    /// <summary>False: the server asks for no context takeover of its own compressor (it resets it per message).</summary>
    public bool ServerContextTakeover { get; }

    /// <summary>False: the server tells the client not to keep its compressor's context between messages.</summary>
    public bool ClientContextTakeover { get; }
}

/// <summary>
/// Negotiates permessage-deflate (RFC 7692 §5, §7.1) from a request's Sec-WebSocket-Extensions
/// value: reads every offer (the header may repeat, and each holds a comma list), accepts the
/// first acceptable <c>permessage-deflate</c> offer in the client's order, and writes the answer
/// with exactly the parameters accepted. Pure: no I/O, never throws for bad input.
/// </summary>
internal static class DeflateNegotiation
{
    public const string ExtensionName = "permessage-deflate";

    /// <summary>
    /// The parameters agreed for the first acceptable offer, or null when none is (compression
    /// then stays off and the answer has no Sec-WebSocket-Extensions header, §9.1).
    /// </summary>
    public static DeflateParameters? Negotiate(string? header, DeflatePolicy policy)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        int pos = 0;
        while (pos < header!.Length)
        {
            int end = ElementEnd(header, pos);
            var accepted = TryAccept(header.AsSpan(pos, end - pos), policy);
            if (accepted is not null)
            {
                return accepted;
            }

            pos = end + 1;
        }

        return null;
    }

    /// <summary>The index of the comma that ends the element starting at <paramref name="start"/> (commas inside quotes do not count), or the length.</summary>
    private static int ElementEnd(string header, int start)
    {
        bool quoted = false;
        for (int i = start; i < header.Length; i++)
        {
            char c = header[i];
            if (quoted && c == '\\')
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                return i;
            }
        }

        return header.Length;
    }

    /// <summary>
    /// One offer: <c>extension-token *( ";" extension-param )</c> (RFC 6455 §9.1). Null when it is
    /// not permessage-deflate, is malformed, or has a parameter that is unknown, repeated or has an
    /// invalid value (RFC 7692 §5: such an offer must be declined).
    /// </summary>
    private static DeflateParameters? TryAccept(ReadOnlySpan<char> element, DeflatePolicy policy)
    {
        int semicolon = element.IndexOf(';');
        var name = (semicolon < 0 ? element : element.Slice(0, semicolon)).Trim();
        if (!name.Equals(ExtensionName.AsSpan(), StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        bool serverNoTakeover = false, clientNoTakeover = false, seenClientBits = false;
        int serverBits = 0;
        var rest = semicolon < 0 ? ReadOnlySpan<char>.Empty : element.Slice(semicolon + 1);
        while (semicolon >= 0)
        {
            semicolon = IndexOfUnquoted(rest, ';');
            var param = (semicolon < 0 ? rest : rest.Slice(0, semicolon)).Trim();
            rest = semicolon < 0 ? ReadOnlySpan<char>.Empty : rest.Slice(semicolon + 1);
            if (!TrySplitParam(param, out var paramName, out string? value))
            {
                return null;
            }

            switch (paramName.ToLowerInvariant())
            {
                // §7.1.1: these two have no value.
                case "server_no_context_takeover" when value is null && !serverNoTakeover:
                    serverNoTakeover = true;
                    break;
                case "client_no_context_takeover" when value is null && !clientNoTakeover:
                    clientNoTakeover = true;
                    break;

                // §7.1.2.1: a value is required.
                case "server_max_window_bits" when value is not null && serverBits == 0 && TryWindowBits(value, out int bits):
                    serverBits = bits;
                    break;

                // §7.1.2.2: the value is optional. It only bounds the client's compressor; the
                // server's inflater always has a 32 KiB window, so any value is fine with us.
                case "client_max_window_bits" when !seenClientBits && (value is null || TryWindowBits(value, out _)):
                    seenClientBits = true;
                    break;

                default:
                    return null;
            }
        }

        // §7.1.2.1: a server whose window is smaller than 32 KiB may still answer as long as its
        // back-references never reach farther than the agreed window. With a fresh compressor per
        // message (no context takeover, which a server may always choose, §7.1.1.1) a message of
        // at most 2^N bytes cannot refer farther back than that; longer ones are sent plain.
        bool windowLimited = serverBits is > 0 and < 15;
        return new DeflateParameters(
            serverNoContextTakeover: serverNoTakeover || !policy.ServerContextTakeover || windowLimited,
            clientNoContextTakeover: clientNoTakeover || !policy.ClientContextTakeover,
            serverMaxWindowBits: serverBits == 0 ? 15 : serverBits,
            answerServerWindowBits: serverBits != 0);
    }

    /// <summary><c>token [ "=" ( token | quoted-string ) ]</c>; the quoted form is unescaped (RFC 7692 §7.1: its content must then match the token's rules).</summary>
    private static bool TrySplitParam(ReadOnlySpan<char> param, out string name, out string? value)
    {
        value = null;
        int eq = param.IndexOf('=');
        var n = (eq < 0 ? param : param.Slice(0, eq)).Trim();
        name = n.ToString();
        if (!IsToken(n))
        {
            return false;
        }

        if (eq < 0)
        {
            return true;
        }

        var v = param.Slice(eq + 1).Trim();
        if (v.Length >= 2 && v[0] == '"' && v[v.Length - 1] == '"')
        {
            var sb = new StringBuilder(v.Length);
            for (int i = 1; i < v.Length - 1; i++)
            {
                char c = v[i];
                if (c == '"')
                {
                    return false;
                }

                if (c == '\\')
                {
                    if (++i >= v.Length - 1)
                    {
                        return false;
                    }

                    c = v[i];
                }

                sb.Append(c);
            }

            value = sb.ToString();
            return IsToken(value.AsSpan());
        }

        value = v.ToString();
        return IsToken(v);
    }

    /// <summary>§7.1.2: <c>%x38-39 / "1" %x30-35</c>, i.e. 8 to 15 with no leading zero.</summary>
    private static bool TryWindowBits(string value, out int bits)
    {
        bits = 0;
        if (value.Length == 1 && value[0] is '8' or '9')
        {
            bits = value[0] - '0';
        }
        else if (value.Length == 2 && value[0] == '1' && value[1] is >= '0' and <= '5')
        {
            bits = 10 + (value[1] - '0');
        }

        return bits != 0;
    }

    private static int IndexOfUnquoted(ReadOnlySpan<char> s, char target)
    {
        bool quoted = false;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (quoted && c == '\\')
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == target && !quoted)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>RFC 9110 §5.6.2: a token is one or more tchar.</summary>
    private static bool IsToken(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (char c in s)
        {
            bool tchar = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                || "!#$%&'*+-.^_`|~".IndexOf(c) >= 0;
            if (!tchar)
            {
                return false;
            }
        }

        return true;
    }
}
