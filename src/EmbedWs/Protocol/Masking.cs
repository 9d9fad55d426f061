using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace EmbedWs.Protocol;

/// <summary>Applies the RFC 6455 §5.3 mask (XOR with a repeating 4-byte key) in place.</summary>
internal static class Masking
{
    /// <summary>
    /// XORs <paramref name="data"/> with <paramref name="maskKey"/>, starting at byte
    /// <paramref name="offset"/> of the key's cycle so a payload can be unmasked in pieces.
    /// Vectorised where the hardware allows; a zero key is a no-op.
    /// </summary>
    public static void Apply(Span<byte> data, uint maskKey, long offset)
    {
        if (maskKey == 0 || data.IsEmpty)
        {
            return;
        }

        // Rotate so that byte 0 of the rotated key applies to data[0]. The key is little-endian:
        // its low byte is the first mask byte on the wire.
        int shift = (int)(offset & 3) * 8;
        uint key = shift == 0 ? maskKey : (maskKey >> shift) | (maskKey << (32 - shift));

        int i = 0;
        if (Vector.IsHardwareAccelerated && data.Length >= Vector<byte>.Count)
        {
            var keyVector = new Vector<uint>(key);
            var words = MemoryMarshal.Cast<byte, Vector<uint>>(data);
            for (int v = 0; v < words.Length; v++)
            {
                words[v] ^= keyVector;
            }

            i = words.Length * Vector<byte>.Count;
        }

        ulong key64 = key | ((ulong)key << 32);
        var longs = MemoryMarshal.Cast<byte, ulong>(data.Slice(i));
        for (int l = 0; l < longs.Length; l++)
        {
            longs[l] ^= key64;
        }

        i += longs.Length * 8;
        for (; i < data.Length; i++)
        {
            data[i] ^= (byte)(key >> ((i & 3) * 8));
        }
    }
}
