using System;
using System.Buffers;

namespace EmbedWs.Json;

/// <summary>
/// One pass over the envelope's text that checks it is JSON (RFC 8259, nothing more: no
/// comments, single quotes, trailing commas, NaN or undefined) and notes where the root
/// object's "type", "id" and "data" values are; a repeated key's last value wins. Builds no
/// tree and allocates nothing: routing binds "data" later, from its own slice of the text.
/// A pure function of its input; never throws for bad input, it returns an error message.
/// </summary>
internal static partial class JsonEnvelopeScanner
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
                default:
                    if (!SkipScalar(s, ref pos))
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
