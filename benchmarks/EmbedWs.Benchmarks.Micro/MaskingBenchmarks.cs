using BenchmarkDotNet.Attributes;
using EmbedWs.Protocol;

namespace EmbedWs.Benchmarks.Micro;

/// <summary>RFC 6455 §5.3 unmasking of one payload, in place.</summary>
[MemoryDiagnoser]
public class MaskingBenchmarks
{
    private byte[] _data = System.Array.Empty<byte>();

    [Params(1, 125, 65536)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup() => _data = new byte[Size];

    [Benchmark]
    public void Unmask() => Masking.Apply(_data, 0x44332211, 0);

    /// <summary>A payload resumed at an odd offset of the key (a frame split across reads).</summary>
    [Benchmark]
    public void Unmask_Offset3() => Masking.Apply(_data, 0x44332211, 3);
}
