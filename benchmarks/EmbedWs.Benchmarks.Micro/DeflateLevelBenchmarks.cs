using System;
using System.Buffers;
using System.IO;
using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using EmbedWs.Benchmarks.Load;
using EmbedWs.Protocol;

namespace EmbedWs.Benchmarks.Micro;

/// <summary>
/// What one 4 KiB JSON state message (the load generator's --json, the compressed rows of run.sh)
/// costs to compress alone, as a server without context takeover does for every message: EmbedWs's
/// <see cref="MessageDeflater"/> at its <see cref="CompressionLevel"/> settings, and zlib levels 1,
/// 2 and 6 through <see cref="ZLibCompressionOptions"/>. On .NET 9 and later the runtime's zlib is
/// zlib-ng, whose level 1 is its "quick" strategy (fixed Huffman codes only) and level 2 the classic
/// fast one. The compressed sizes are printed by <c>-- deflate-sizes</c> (<see cref="Sizes"/>).
/// </summary>
[MemoryDiagnoser]
public class DeflateLevelBenchmarks
{
    private readonly byte[] _message = JsonPayloads.Create(1, 4096)[0];
    private readonly MemoryStream _output = new(8192);

    /// <summary>EmbedWs's MessageDeflater at a CompressionLevel, or "zlib-N": a DeflateStream at zlib level N.</summary>
    [Params("Fastest", "Optimal", "zlib-1", "zlib-2", "zlib-6")]
    public string Setting { get; set; } = "Fastest";

    /// <summary>One 4 KiB message compressed alone (a fresh zlib stream, as without context takeover); returns its size.</summary>
    [Benchmark]
    public long CompressAlone()
    {
        if (Setting.StartsWith("zlib-", StringComparison.Ordinal))
        {
            _output.Position = 0;
            using var deflate = new DeflateStream(_output, new ZLibCompressionOptions { CompressionLevel = Setting[5] - '0' }, leaveOpen: true);
            deflate.Write(_message);
            deflate.Flush();
            return _output.Position;
        }

        using var deflater = new MessageDeflater(Enum.Parse<CompressionLevel>(Setting), contextTakeover: false);
        if (!deflater.TryCompress(WsOpcode.Text, _message, out var frame))
        {
            return 0;
        }

        ArrayPool<byte>.Shared.Return(frame.Array!);
        return frame.Count;
    }

    /// <summary><c>-- deflate-sizes</c>: the compressed size of the load generator's 64 JSON messages at each level.</summary>
    public static void Sizes()
    {
        var messages = JsonPayloads.Create(64, 4096);
        Console.WriteLine($"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}: mean compressed size of {messages.Length} JSON state messages of 4,096 bytes, each alone");
        foreach (var level in new[] { CompressionLevel.Fastest, CompressionLevel.Optimal, CompressionLevel.SmallestSize })
        {
            double sum = 0;
            foreach (var m in messages)
            {
                using var deflater = new MessageDeflater(level, contextTakeover: false);
                if (deflater.TryCompress(WsOpcode.Text, m, out var frame))
                {
                    ArrayPool<byte>.Shared.Return(frame.Array!);
                }

                sum += frame.Count == 0 ? m.Length : frame.Count;
            }

            Console.WriteLine($"  MessageDeflater, CompressionLevel.{level}: {sum / messages.Length:0.0} bytes per frame (header included)");
        }

        for (int zlib = 1; zlib <= 9; zlib++)
        {
            double sum = 0;
            foreach (var m in messages)
            {
                var output = new MemoryStream();
                using var deflate = new DeflateStream(output, new ZLibCompressionOptions { CompressionLevel = zlib }, leaveOpen: true);
                deflate.Write(m);
                deflate.Flush();
                sum += output.Length - 4;
            }

            Console.WriteLine($"  zlib level {zlib}: {sum / messages.Length:0.0} bytes of payload");
        }
    }
}
