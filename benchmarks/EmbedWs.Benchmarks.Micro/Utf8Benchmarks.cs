using System;
using System.Text;
using BenchmarkDotNet.Attributes;
using EmbedWs.Protocol;

namespace EmbedWs.Benchmarks.Micro;

/// <summary>Validation of a 4 KiB text message: all ASCII, and mixed (2-, 3- and 4-byte characters).</summary>
[MemoryDiagnoser]
public class Utf8Benchmarks
{
    private byte[] _ascii = Array.Empty<byte>();
    private byte[] _mixed = Array.Empty<byte>();

    [GlobalSetup]
    public void Setup()
    {
        _ascii = Fill("The quick brown fox jumps over the lazy dog. ");
        _mixed = Fill("chat: héllo wörld — 你好 🙂 ok; ");
    }

    [Benchmark]
    public bool Ascii_4KiB() => Utf8Validator.IsValid(_ascii);

    [Benchmark]
    public bool Mixed_4KiB() => Utf8Validator.IsValid(_mixed);

    /// <summary>The runtime's vectorized validator (net8.0+), for scale: what the whole-message fast path could cost.</summary>
    [Benchmark]
    public bool Mixed_4KiB_RuntimeUtf8IsValid() => System.Text.Unicode.Utf8.IsValid(_mixed);

    /// <summary>The same mixed text fed in 64-byte pieces, as fragments or partial reads arrive.</summary>
    [Benchmark]
    public bool Mixed_4KiB_InPieces()
    {
        var v = default(Utf8Validator);
        for (int i = 0; i < _mixed.Length; i += 64)
        {
            if (!v.Feed(_mixed.AsSpan(i, Math.Min(64, _mixed.Length - i))))
            {
                return false;
            }
        }

        return v.IsComplete;
    }

    private static byte[] Fill(string sample)
    {
        var sb = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(sb.ToString()) < 4096 - 64)
        {
            sb.Append(sample);
        }

        // Pad with ASCII to exactly 4,096 bytes, so both inputs are the same size.
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        var result = new byte[4096];
        result.AsSpan().Fill((byte)'.');
        bytes.AsSpan(0, Math.Min(bytes.Length, 4096)).CopyTo(result);
        return result;
    }
}
