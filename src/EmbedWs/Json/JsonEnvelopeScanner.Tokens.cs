using System;
using System.Text;

namespace EmbedWs.Json;

// The scanner's tokens: whitespace, strings, numbers and literals as RFC 8259 spells them, and
// the decoding of a scanned string.
internal static partial class JsonEnvelopeScanner
{
    /// <summary>Skips the string, literal or number at <paramref name="pos"/>; on failure pos is at the offending byte.</summary>
    private static bool SkipScalar(ReadOnlySpan<byte> s, ref int pos) => s[pos] switch
    {
        (byte)'"' => SkipString(s, ref pos),
        (byte)'t' => SkipLiteral(s, ref pos, "true"u8),
        (byte)'f' => SkipLiteral(s, ref pos, "false"u8),
        (byte)'n' => SkipLiteral(s, ref pos, "null"u8),
        _ => SkipNumber(s, ref pos),
    };

    // RFC 8259 §2: insignificant whitespace is space, tab, line feed and carriage return only.
    private static int SkipSpace(ReadOnlySpan<byte> s, int pos)
    {
        while (pos < s.Length && s[pos] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            pos++;
        }

        return pos;
    }

    // RFC 8259 §7: a quotation mark, characters from U+0020 up except '"' and '\', or the escapes
    // \" \\ \/ \b \f \n \r \t \uXXXX, and a quotation mark. Bytes from 0x80 up are string content
    // (the UTF-8 is decoded, with replacement, only when a value is taken). On success pos is
    // past the closing quote; on failure, at the offending byte.
    private static bool SkipString(ReadOnlySpan<byte> s, ref int pos)
    {
        pos++;
        while (true)
        {
#if NET8_0_OR_GREATER
            int special = s.Slice(pos).IndexOfAny(s_stringSpecial);
            if (special < 0)
            {
                pos = s.Length;
                return false;
            }

            pos += special;
#else
            while (pos < s.Length && s[pos] is >= 0x20 and not (byte)'"' and not (byte)'\\')
            {
                pos++;
            }

            if (pos == s.Length)
            {
                return false;
            }
#endif
            byte c = s[pos];
            if (c == '"')
            {
                pos++;
                return true;
            }

            if (c != '\\' || ++pos == s.Length)
            {
                return false;
            }

            switch (s[pos])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    pos++;
                    break;
                case (byte)'u':
                    for (int i = 1; i <= 4; i++)
                    {
                        if (pos + i >= s.Length || HexValue(s[pos + i]) < 0)
                        {
                            pos = Math.Min(pos + i, s.Length);
                            return false;
                        }
                    }

                    pos += 5;
                    break;
                default:
                    return false;
            }
        }
    }

#if NET8_0_OR_GREATER
    // What ends a run of plain string content: the closing quote, an escape, or a control character.
    private static readonly System.Buffers.SearchValues<byte> s_stringSpecial = System.Buffers.SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"u8);
#endif

    private static bool SkipLiteral(ReadOnlySpan<byte> s, ref int pos, ReadOnlySpan<byte> literal)
    {
        if (!s.Slice(pos).StartsWith(literal))
        {
            return false;
        }

        pos += literal.Length;
        return true;
    }

    // RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    private static bool SkipNumber(ReadOnlySpan<byte> s, ref int pos)
    {
        if (s[pos] == '-')
        {
            pos++;
        }

        if (pos == s.Length || !IsDigit(s[pos]))
        {
            return false;
        }

        if (s[pos++] != '0')
        {
            SkipDigits(s, ref pos);
        }

        if (pos < s.Length && s[pos] == '.')
        {
            if (++pos == s.Length || !IsDigit(s[pos]))
            {
                return false;
            }

            SkipDigits(s, ref pos);
        }

        if (pos < s.Length && s[pos] is (byte)'e' or (byte)'E')
        {
            if (++pos < s.Length && s[pos] is (byte)'+' or (byte)'-')
            {
                pos++;
            }

            if (pos == s.Length || !IsDigit(s[pos]))
            {
                return false;
            }

            SkipDigits(s, ref pos);
        }

        return true;
    }

    private static void SkipDigits(ReadOnlySpan<byte> s, ref int pos)
    {
        while (pos < s.Length && IsDigit(s[pos]))
        {
            pos++;
        }
    }

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    private static int HexValue(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>A scanned string's value, UTF-8 decoded (with replacement) and escapes decoded; <paramref name="quoted"/> includes its quotes and is known to be valid.</summary>
    public static string Unescape(ReadOnlySpan<byte> quoted)
    {
        var inner = quoted.Slice(1, quoted.Length - 2);
        if (inner.IndexOf((byte)'\\') < 0)
        {
            return Encoding.UTF8.GetString(inner);
        }

        // Escapes are ASCII, so decoding first keeps them intact.
        string text = Encoding.UTF8.GetString(inner);
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            c = text[++i];
            switch (c)
            {
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    sb.Append((char)((HexValue(text[i + 1]) << 12) | (HexValue(text[i + 2]) << 8) | (HexValue(text[i + 3]) << 4) | HexValue(text[i + 4])));
                    i += 4;
                    break;
                default: sb.Append(c); break; // " \ /
            }
        }

        return sb.ToString();
    }
}
