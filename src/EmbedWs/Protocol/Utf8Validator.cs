using System;
using System.Runtime.InteropServices;

namespace EmbedWs.Protocol;

/// <summary>
/// A streaming UTF-8 validator (RFC 3629 §4): feed a message in any number of pieces, split
/// anywhere, even inside a character; <see cref="IsComplete"/> tells whether the text ended
/// on a character boundary. ASCII runs are skipped a word at a time.
/// </summary>
internal struct Utf8Validator
{
    // Continuation bytes still expected, and the allowed range of the next one. The range is
    // narrower than 80..BF only right after E0 (no overlongs), ED (no surrogates),
    // F0 (no overlongs) and F4 (nothing above U+10FFFF).
    private int _need;
    private byte _lo;
    private byte _hi;

    /// <summary>True when no character is left half-read.</summary>
    public readonly bool IsComplete => _need == 0;

    public void Reset() => _need = 0;

    /// <summary>Validates the next piece; false as soon as a byte cannot be valid UTF-8.</summary>
    public bool Feed(ReadOnlySpan<byte> data)
    {
        int i = 0;
        int need = _need;
        byte lo = _lo, hi = _hi;
        while (i < data.Length)
        {
            if (need == 0)
            {
                i += AsciiPrefixLength(data.Slice(i));
                if (i >= data.Length)
                {
                    break;
                }

                byte b = data[i++];
                if (b < 0x80)
                {
                    continue;
                }

                if (b >= 0xC2 && b <= 0xDF) { need = 1; lo = 0x80; hi = 0xBF; }
                else if (b == 0xE0) { need = 2; lo = 0xA0; hi = 0xBF; }
                else if (b >= 0xE1 && b <= 0xEC) { need = 2; lo = 0x80; hi = 0xBF; }
                else if (b == 0xED) { need = 2; lo = 0x80; hi = 0x9F; }
                else if (b >= 0xEE && b <= 0xEF) { need = 2; lo = 0x80; hi = 0xBF; }
                else if (b == 0xF0) { need = 3; lo = 0x90; hi = 0xBF; }
                else if (b >= 0xF1 && b <= 0xF3) { need = 3; lo = 0x80; hi = 0xBF; }
                else if (b == 0xF4) { need = 3; lo = 0x80; hi = 0x8F; }
                else
                {
                    return Fail();
                }
            }
            else
            {
                byte b = data[i++];
                if (b < lo || b > hi)
                {
                    return Fail();
                }

                need--;
                lo = 0x80;
                hi = 0xBF;
            }
        }

        _need = need;
        _lo = lo;
        _hi = hi;
        return true;
    }

    /// <summary>Validates one whole message.</summary>
    public static bool IsValid(ReadOnlySpan<byte> data)
    {
        var v = default(Utf8Validator);
        return v.Feed(data) && v.IsComplete;
    }

    private bool Fail()
    {
        _need = 0;
        return false;
    }

    private static int AsciiPrefixLength(ReadOnlySpan<byte> data)
    {
#if NET8_0_OR_GREATER
        int idx = data.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
        return idx < 0 ? data.Length : idx;
#else
        int i = 0;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        for (; i < words.Length; i++)
        {
            if ((words[i] & 0x8080_8080_8080_8080UL) != 0)
            {
                break;
            }
        }

        i *= 8;
        while (i < data.Length && data[i] < 0x80)
        {
            i++;
        }

        return i;
#endif
    }
}
