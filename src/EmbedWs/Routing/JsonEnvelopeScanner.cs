using System;
using System.Buffers;
using System.Text;

namespace EmbedWs.Routing;

/// <summary>The kind of a JSON value, from its first character.</summary>
internal enum JsonKind : byte
{
    None,
    String,
    Number,
    Object,
    Array,
    True,
    False,
    Null,
}

/// <summary>Where one top-level member's value lies in the text: [Start, End).</summary>
internal readonly struct JsonSlot
{
    public JsonSlot(int start, int end, JsonKind kind)
    {
        Start = start;
        End = end;
        Kind = kind;
    }

    public int Start { get; }

    public int End { get; }

    public JsonKind Kind { get; }

    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> text) => text.Slice(Start, End - Start);
}

/// <summary>What <see cref="JsonEnvelopeScanner.TryScan"/> found: the root's kind and the values of "type", "id" and "data".</summary>
internal struct JsonEnvelopeLayout
{
    public bool IsObject;
    public JsonSlot Type;
    public JsonSlot Id;
    public JsonSlot Data;
}

/// <summary>
/// One pass over the envelope's text that checks it is JSON (RFC 8259, nothing more: no
/// comments, single quotes, trailing commas, NaN or undefined) and notes where the root
/// object's "type", "id" and "data" values are; a repeated key's last value wins. Builds no
/// tree and allocates nothing: routing binds "data" later, from its own slice of the text.
/// A pure function of its input; never throws for bad input, it returns an error message.
/// </summary>
internal static class JsonEnvelopeScanner
{
    private const byte InObject = 1;
    private const byte InArray = 2;

    /// <summary>Scans <paramref name="text"/>; false with <paramref name="error"/> when it is not one JSON value or nests deeper than <paramref name="maxDepth"/>.</summary>
    public static bool TryScan(ReadOnlySpan<byte> text, int maxDepth, out JsonEnvelopeLayout layout, out string? error)
    {
        layout = default;
        byte[]? rented = null;
        Span<byte> stack = maxDepth <= 128 ? stackalloc byte[128] : (rented = ArrayPool<byte>.Shared.Rent(maxDepth));
        try
        {
            return Scan(text, stack.Slice(0, maxDepth), ref layout, out error);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool Scan(ReadOnlySpan<byte> s, Span<byte> stack, ref JsonEnvelopeLayout layout, out string? error)
    {
        int pos = SkipSpace(s, 0);
        if (pos == s.Length)
        {
            return Fail(s, pos, out error);
        }

        layout.IsObject = s[pos] == '{';
        int depth = 0;
        int member = -1;        // which root key the current member value belongs to: 0 type, 1 id, 2 data
        int memberStart = 0;
        while (true)
        {
            // A value starts here.
            pos = SkipSpace(s, pos);
            if (pos == s.Length)
            {
                return Fail(s, pos, out error);
            }

            switch (s[pos])
            {
                case (byte)'{':
                case (byte)'[':
                    if (depth == stack.Length)
                    {
                        error = $"The message is not JSON we accept: it nests deeper than {stack.Length} levels (position {pos}).";
                        return false;
                    }

                    bool isObject = s[pos] == '{';
                    stack[depth++] = isObject ? InObject : InArray;
                    pos = SkipSpace(s, pos + 1);
                    if (pos < s.Length && s[pos] == (isObject ? '}' : ']'))
                    {
                        depth--;
                        pos++;
                        break;
                    }

                    if (isObject && !ReadKey(s, ref pos, depth, ref member, ref memberStart))
                    {
                        return Fail(s, pos, out error);
                    }

                    continue;
                case (byte)'"':
                    if (!SkipString(s, ref pos))
                    {
                        return Fail(s, pos, out error);
                    }

                    break;
                case (byte)'t':
                    if (!SkipLiteral(s, ref pos, "true"u8))
                    {
                        return Fail(s, pos, out error);
                    }

                    break;
                case (byte)'f':
                    if (!SkipLiteral(s, ref pos, "false"u8))
                    {
                        return Fail(s, pos, out error);
                    }

                    break;
                case (byte)'n':
                    if (!SkipLiteral(s, ref pos, "null"u8))
                    {
                        return Fail(s, pos, out error);
                    }

                    break;
                default:
                    if (!SkipNumber(s, ref pos))
                    {
                        return Fail(s, pos, out error);
                    }

                    break;
            }

            // A value ended at pos (a scalar, or a container's closing bracket). Then a comma or
            // a closing bracket, as many times as containers close.
            while (true)
            {
                if (depth == 1 && layout.IsObject && member >= 0)
                {
                    Record(ref layout, member, new JsonSlot(memberStart, pos, KindOf(s[memberStart])));
                }

                if (depth == 0)
                {
                    pos = SkipSpace(s, pos);
                    if (pos != s.Length)
                    {
                        return Fail(s, pos, out error);
                    }

                    error = null;
                    return true;
                }

                pos = SkipSpace(s, pos);
                if (pos == s.Length)
                {
                    return Fail(s, pos, out error);
                }

                bool inObject = stack[depth - 1] == InObject;
                byte c = s[pos];
                if (c == (inObject ? '}' : ']'))
                {
                    depth--;
                    pos++;
                    continue;
                }

                if (c != ',')
                {
                    return Fail(s, pos, out error);
                }

                pos = SkipSpace(s, pos + 1);
                if (inObject && !ReadKey(s, ref pos, depth, ref member, ref memberStart))
                {
                    return Fail(s, pos, out error);
                }

                break;
            }
        }
    }

    /// <summary>Reads <c>"key" :</c> at <paramref name="pos"/>; in the root object, notes which of our keys it is and where its value starts.</summary>
    private static bool ReadKey(ReadOnlySpan<byte> s, ref int pos, int depth, ref int member, ref int memberStart)
    {
        if (pos >= s.Length || s[pos] != '"')
        {
            return false;
        }

        int keyStart = pos;
        if (!SkipString(s, ref pos))
        {
            return false;
        }

        int keyEnd = pos;
        pos = SkipSpace(s, pos);
        if (pos >= s.Length || s[pos] != ':')
        {
            return false;
        }

        pos = SkipSpace(s, pos + 1);
        if (depth == 1)
        {
            member = MemberOf(s.Slice(keyStart, keyEnd - keyStart));
            memberStart = pos;
        }

        return true;
    }

    private static int MemberOf(ReadOnlySpan<byte> quotedKey)
    {
        var key = quotedKey.Slice(1, quotedKey.Length - 2);
        if (key.IndexOf((byte)'\\') >= 0)
        {
            string unescaped = Unescape(quotedKey);
            return unescaped switch
            {
                "type" => 0,
                "id" => 1,
                "data" => 2,
                _ => -1,
            };
        }

        return key.SequenceEqual("type"u8) ? 0
            : key.SequenceEqual("id"u8) ? 1
            : key.SequenceEqual("data"u8) ? 2
            : -1;
    }

    private static void Record(ref JsonEnvelopeLayout layout, int member, JsonSlot slot)
    {
        switch (member)
        {
            case 0:
                layout.Type = slot;
                break;
            case 1:
                layout.Id = slot;
                break;
            default:
                layout.Data = slot;
                break;
        }
    }

    private static JsonKind KindOf(byte first) => first switch
    {
        (byte)'"' => JsonKind.String,
        (byte)'{' => JsonKind.Object,
        (byte)'[' => JsonKind.Array,
        (byte)'t' => JsonKind.True,
        (byte)'f' => JsonKind.False,
        (byte)'n' => JsonKind.Null,
        _ => JsonKind.Number,
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

    private static bool Fail(ReadOnlySpan<byte> s, int pos, out string error)
    {
        error = pos >= s.Length
            ? $"The message is not JSON: it ends too early (position {pos})."
            : $"The message is not JSON: unexpected {Describe(s[pos])} at position {pos}.";
        return false;
    }

    private static string Describe(byte c) => c switch
    {
        < 0x20 or 0x7F => $"control character U+{c:X4}",
        >= 0x80 => $"byte 0x{c:X2}",
        _ => $"'{(char)c}'",
    };
}
