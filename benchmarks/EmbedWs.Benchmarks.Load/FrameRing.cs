using System;
using System.Collections.Generic;
using System.Linq;

namespace EmbedWs.Benchmarks.Load;

/// <summary>
/// The client frames one connection sends, built once, in turn: <c>Next(k)</c> is the next k
/// frames as one contiguous block (the ring is stored twice over, so any k up to its length is one
/// slice and one send). With one distinct message it is that frame repeated, as before; with
/// <c>--json</c> it cycles through different messages.
/// </summary>
internal sealed class FrameRing
{
    private readonly byte[] _bytes;
    private readonly int[] _offsets;
    private readonly int _count;
    private int _next;

    /// <summary>The frames of <paramref name="frames"/>, repeated to at least <paramref name="minCount"/>.</summary>
    public FrameRing(IReadOnlyList<byte[]> frames, int minCount)
    {
        var ring = new List<byte[]>();
        while (ring.Count < Math.Max(minCount, frames.Count))
        {
            ring.AddRange(frames);
        }

        _count = ring.Count;
        var twice = ring.Concat(ring).ToList();
        _bytes = new byte[twice.Sum(f => f.Length)];
        _offsets = new int[twice.Count + 1];
        for (int i = 0; i < twice.Count; i++)
        {
            twice[i].CopyTo(_bytes, _offsets[i]);
            _offsets[i + 1] = _offsets[i] + twice[i].Length;
        }

        MaxFrame = frames.Max(f => f.Length);
        MeanFrame = frames.Average(f => f.Length);
    }

    /// <summary>The longest frame, in bytes.</summary>
    public int MaxFrame { get; }

    /// <summary>The mean frame length over the distinct frames, in bytes.</summary>
    public double MeanFrame { get; }

    /// <summary>The next <paramref name="k"/> frames (k at most the ring's length) as one block.</summary>
    public ReadOnlyMemory<byte> Next(int k)
    {
        if (k > _count)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"at most {_count} frames at once");
        }

        int start = _next;
        _next = (_next + k) % _count;
        return _bytes.AsMemory(_offsets[start], _offsets[start + k] - _offsets[start]);
    }
}
