using System;
using System.Buffers;

namespace EmbedWs.Json;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> of bytes over a pooled array, one cached per thread: a
/// serializer writes a reply's UTF-8 here, and it is queued from <see cref="Written"/>, with no
/// string and no array per message.
/// </summary>
internal sealed class PooledByteWriter : IBufferWriter<byte>
{
    [ThreadStatic]
    private static PooledByteWriter? t_cached;

    private byte[] _bytes = Array.Empty<byte>();
    private int _length;

    private PooledByteWriter()
    {
    }

    /// <summary>What was written since <see cref="Rent"/>.</summary>
    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, _length);

    /// <summary>The thread's writer, empty; a new one when it is in use (a message written while writing one).</summary>
    public static PooledByteWriter Rent()
    {
        var writer = t_cached ?? new PooledByteWriter();
        t_cached = null;
        return writer;
    }

    /// <summary>Gives the writer back to the thread and its buffer to the pool; <see cref="Written"/> is no longer valid.</summary>
    public static void Return(PooledByteWriter writer)
    {
        writer._length = 0;
        if (writer._bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(writer._bytes);
            writer._bytes = Array.Empty<byte>();
        }

        t_cached = writer;
    }

    public void Advance(int count)
    {
        if ((uint)count > (uint)(_bytes.Length - _length))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _bytes.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _bytes.AsSpan(_length);
    }

    private void Ensure(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_bytes.Length - _length >= needed)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(256, Math.Max(_bytes.Length * 2, _length + needed)));
        _bytes.AsSpan(0, _length).CopyTo(bigger);
        if (_bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
        }

        _bytes = bigger;
    }
}
