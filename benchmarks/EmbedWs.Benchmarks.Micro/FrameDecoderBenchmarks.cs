using System;
using BenchmarkDotNet.Attributes;
using EmbedWs.Protocol;

namespace EmbedWs.Benchmarks.Micro;

/// <summary>A whole small masked frame through the decoder: header, checks, unmasking, UTF-8 for text. Expected: 0 B allocated.</summary>
[MemoryDiagnoser]
public class FrameDecoderBenchmarks
{
    private byte[] _pristine = Array.Empty<byte>();
    private byte[] _frame = Array.Empty<byte>();
    private FrameDecoder _decoder = null!;

    [Params(false, true)]
    public bool Text { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // A 32-byte message, masked with a non-zero key as browsers send it.
        byte[] payload = new byte[32];
        payload.AsSpan().Fill((byte)'a');
        _pristine = new byte[6 + payload.Length];
        _pristine[0] = (byte)(0x80 | (Text ? 0x1 : 0x2));
        _pristine[1] = 0x80 | 32;
        byte[] key = { 0x11, 0x22, 0x33, 0x44 };
        key.CopyTo(_pristine, 2);
        for (int i = 0; i < payload.Length; i++)
        {
            _pristine[6 + i] = (byte)(payload[i] ^ key[i & 3]);
        }

        _frame = new byte[_pristine.Length];
        _decoder = new FrameDecoder(1024 * 1024);
    }

    /// <summary>Decode unmasks in place, so each operation starts from a fresh copy (38 bytes).</summary>
    [Benchmark]
    public int Decode_32ByteMaskedFrame()
    {
        _pristine.AsSpan().CopyTo(_frame);
        var status = _decoder.Decode(_frame, out int consumed, out var frame);
        return (int)status + consumed + frame.Payload.Length;
    }
}
