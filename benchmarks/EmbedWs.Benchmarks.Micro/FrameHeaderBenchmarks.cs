using BenchmarkDotNet.Attributes;
using EmbedWs.Protocol;

namespace EmbedWs.Benchmarks.Micro;

/// <summary>Frame headers in and out.</summary>
[MemoryDiagnoser]
public class FrameHeaderBenchmarks
{
    // A masked binary frame of 32 bytes: 2 header bytes and the key.
    private readonly byte[] _smallHeader = { 0x82, 0x80 | 32, 0x11, 0x22, 0x33, 0x44 };
    // A masked binary frame of 1,000 bytes: the 16-bit length form.
    private readonly byte[] _mediumHeader = { 0x82, 0x80 | 126, 0x03, 0xE8, 0x11, 0x22, 0x33, 0x44 };
    private readonly byte[] _out = new byte[16];

    [Benchmark]
    public int Read_Small()
    {
        FrameHeaderReader.TryRead(_smallHeader, out var header, out int length, out _);
        return length + (int)header.PayloadLength;
    }

    [Benchmark]
    public int Read_16BitLength()
    {
        FrameHeaderReader.TryRead(_mediumHeader, out var header, out int length, out _);
        return length + (int)header.PayloadLength;
    }

    [Benchmark]
    public int Write_Small() => FrameWriter.WriteHeader(_out, WsOpcode.Binary, fin: true, 32);

    [Benchmark]
    public int Write_64BitLength() => FrameWriter.WriteHeader(_out, WsOpcode.Binary, fin: true, 100_000);
}
