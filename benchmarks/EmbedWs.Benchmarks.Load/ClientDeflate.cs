using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.IO;
using System.IO.Compression;

namespace EmbedWs.Benchmarks.Load;

/// <summary>
/// The client side of permessage-deflate (RFC 7692) for <c>--deflate</c>. The offer is
/// <c>permessage-deflate; server_no_context_takeover</c> and the server must agree to it (every
/// server compared does): each server message is then compressed alone (§7.1.1.1), so it inflates
/// with a fresh inflater, and the same compressed bytes always inflate to the same message.
/// The client compresses each of its messages alone too (allowed with or without
/// <c>client_no_context_takeover</c>: takeover is the client's choice, §7.1.1.2), so the servers
/// keep their inflater between messages as they do for browsers, which compress with takeover.
/// </summary>
internal static class ClientDeflate
{
    public const string Offer = "permessage-deflate; server_no_context_takeover";

    // RFC 7692 §7.2.1: the sender removes the 4 octets 0x00 0x00 0xff 0xff that end a sync flush;
    // the receiver appends them before inflating.
    private static readonly byte[] s_tail = { 0x00, 0x00, 0xFF, 0xFF };

    // Inflated results by compressed bytes (see Inflate). Cleared when it grows past this: a
    // fan-out publishes a few hundred distinct messages a second.
    private const int MemoLimit = 4096;
    private static readonly ConcurrentDictionary<int, Inflated> s_memo = new();

    /// <summary>
    /// One message compressed alone (zlib's default level, as browsers use), ending with a sync
    /// flush whose empty stored block is cut off (§7.2.1): the payload of a frame with RSV1 set.
    /// </summary>
    public static byte[] Compress(ReadOnlySpan<byte> message)
    {
        var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(message);
            // Flush is a Z_SYNC_FLUSH: it ends on a byte boundary with 00 00 FF FF and no final
            // block (disposing the stream afterwards would add one, which is not read here).
            deflate.Flush();
            var bytes = output.ToArray();
            if (bytes.Length < 4 || !bytes.AsSpan(bytes.Length - 4).SequenceEqual(s_tail))
            {
                throw new InvalidOperationException("DeflateStream.Flush did not end with a sync flush");
            }

            return bytes.AsSpan(0, bytes.Length - 4).ToArray();
        }
    }

    /// <summary>
    /// The inflated length and first bytes of one compressed server message. Every server message
    /// stands alone (server_no_context_takeover), so identical compressed bytes inflate to
    /// identical messages: each distinct compressed message is inflated once, checked, and
    /// remembered, and its copies (the same echo reply again, the same broadcast to the next
    /// subscriber) are only compared byte for byte. The one load core would otherwise spend on
    /// inflating 1,000 copies of every broadcast what it needs for driving the server.
    /// </summary>
    public static Inflated Inflate(ReadOnlySpan<byte> compressed)
    {
        var hash = new HashCode();
        hash.AddBytes(compressed);
        int key = hash.ToHashCode();
        if (s_memo.TryGetValue(key, out var known) && compressed.SequenceEqual(known.Compressed))
        {
            return known;
        }

        var inflated = InflateAlone(compressed);
        if (s_memo.Count >= MemoLimit)
        {
            s_memo.Clear();
        }

        s_memo[key] = inflated;
        return inflated;
    }

    private static Inflated InflateAlone(ReadOnlySpan<byte> compressed)
    {
        byte[] input = ArrayPool<byte>.Shared.Rent(compressed.Length + s_tail.Length);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            compressed.CopyTo(input);
            s_tail.CopyTo(input.AsSpan(compressed.Length));
            using var inflate = new DeflateStream(new MemoryStream(input, 0, compressed.Length + s_tail.Length), CompressionMode.Decompress);
            long length = 0;
            var prefix = new byte[16];
            int n;
            while ((n = inflate.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (length < prefix.Length)
                {
                    buffer.AsSpan(0, (int)Math.Min(n, prefix.Length - length)).CopyTo(prefix.AsSpan((int)length));
                }

                length += n;
            }

            return new Inflated(compressed.ToArray(), length, prefix.AsSpan(0, (int)Math.Min(length, prefix.Length)).ToArray());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    /// <summary>Whether a 101's head agreed to exactly what <see cref="Offer"/> asks (RFC 7692 §5: the answer names the accepted parameters).</summary>
    public static bool Agreed(string responseHead, out string? answer)
    {
        answer = null;
        foreach (var line in responseHead.Split("\r\n"))
        {
            if (line.StartsWith("Sec-WebSocket-Extensions:", StringComparison.OrdinalIgnoreCase))
            {
                answer = line.Substring("Sec-WebSocket-Extensions:".Length).Trim();
            }
        }

        // server_no_context_takeover was offered, so an accepting server must answer it (§7.1.1.1);
        // client_max_window_bits was not offered, so the server may not limit the client's window.
        return answer is not null
            && answer.Contains("permessage-deflate", StringComparison.OrdinalIgnoreCase)
            && answer.Contains("server_no_context_takeover", StringComparison.OrdinalIgnoreCase)
            && !answer.Contains("client_max_window_bits", StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>What one compressed server message inflated to: its length and first 16 bytes.</summary>
internal sealed record Inflated(byte[] Compressed, long Length, byte[] Prefix);
