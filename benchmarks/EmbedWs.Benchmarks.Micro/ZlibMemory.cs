using System;
using System.Linq;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO.Compression;
using EmbedWs.Protocol;

namespace EmbedWs.Benchmarks.Micro;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/EmbedWs.Benchmarks.Micro -- zlib-memory</c>: what one
/// permessage-deflate compressor and inflater hold while their state is kept (context takeover),
/// measured over 2,000 of each after one message: the process's resident set (zlib's native
/// memory included) and the managed heap, per stream. docs/compression.md quotes it.
/// </summary>
internal static class ZlibMemory
{
    private const int Count = 2000;

    public static void Run()
    {
        byte[] message = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"type\":\"state\",\"id\":12,\"pos\":[1.5,2.5]}", 100)));
        byte[] compressed = Compress(message);
        Console.WriteLine($"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {Count} streams each, after one {message.Length}-byte message:");
        // Nothing is freed before the end: freed native memory would be reused by the next kind.
        var kept = new List<IDisposable[]>
        {
            Measure("compressor, CompressionLevel.Fastest", () => Deflater(CompressionLevel.Fastest, message)),
            Measure("compressor, CompressionLevel.Optimal", () => Deflater(CompressionLevel.Optimal, message)),
            Measure("inflater", () => Inflater(compressed, message.Length)),
        };
        foreach (var k in kept.SelectMany(k => k))
        {
            k.Dispose();
        }
    }

    private static IDisposable Deflater(CompressionLevel level, byte[] message)
    {
        var deflater = new MessageDeflater(level, contextTakeover: true);
        deflater.TryCompress(WsOpcode.Text, message, out var frame);
        ArrayPool<byte>.Shared.Return(frame.Array!);
        return deflater;
    }

    private static IDisposable Inflater(byte[] compressed, int length)
    {
        var inflater = new MessageInflater();
        var output = new byte[length + 16];
        inflater.SetInput(compressed);
        int total = 0;
        int n;
        while ((n = inflater.Read(output.AsSpan(total))) > 0)
        {
            total += n;
        }

        inflater.SetEndOfMessage();
        while ((n = inflater.Read(output.AsSpan(total))) > 0)
        {
            total += n;
        }

        if (total != length)
        {
            throw new InvalidOperationException($"inflated {total} bytes, expected {length}");
        }

        return inflater;
    }

    private static byte[] Compress(byte[] message)
    {
        using var deflater = new MessageDeflater(CompressionLevel.Fastest, contextTakeover: false);
        deflater.TryCompress(WsOpcode.Text, message, out var frame);
        int header = frame.Array![frame.Offset + 1] == 126 ? 4 : 2;
        var payload = frame.AsSpan(header).ToArray();
        ArrayPool<byte>.Shared.Return(frame.Array);
        return payload;
    }

    private static IDisposable[] Measure(string name, Func<IDisposable> create)
    {
        var keep = new IDisposable[Count];
        long heap0 = GC.GetTotalMemory(forceFullCollection: true);
        long rss0 = ResidentSet();
        for (int i = 0; i < Count; i++)
        {
            keep[i] = create();
        }

        long heap1 = GC.GetTotalMemory(forceFullCollection: true);
        long rss1 = ResidentSet();
        Console.WriteLine($"  {name}: {(rss1 - rss0) / (double)Count / 1024:F1} KiB resident, {(heap1 - heap0) / (double)Count / 1024:F1} KiB of it managed heap, per stream");
        return keep;
    }

    private static long ResidentSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
