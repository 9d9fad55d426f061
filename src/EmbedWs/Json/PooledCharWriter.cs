using System;
using System.Buffers;
using System.IO;
using System.Text;

namespace EmbedWs.Json;

/// <summary>
/// A <see cref="TextWriter"/> into a pooled char buffer, one cached per thread: routing writes a
/// reply here and queues its characters, with no StringBuilder and no string per message.
/// </summary>
internal sealed class PooledCharWriter : TextWriter
{
    [ThreadStatic]
    private static PooledCharWriter? t_cached;

    private char[] _chars = Array.Empty<char>();
    private int _length;

    private PooledCharWriter()
    {
    }

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>The JSON writer over this buffer, kept with it (see NewtonsoftWsSerializer); null to drop it after a failed write.</summary>
    public Newtonsoft.Json.JsonTextWriter? Json { get; set; }

    /// <summary>What was written since <see cref="Rent"/>.</summary>
    public ReadOnlySpan<char> Written => _chars.AsSpan(0, _length);

    /// <summary>The thread's writer, empty; a new one when it is in use (a reply written while writing one).</summary>
    public static PooledCharWriter Rent()
    {
        var writer = t_cached ?? new PooledCharWriter();
        t_cached = null;
        return writer;
    }

    /// <summary>Gives the writer back to the thread and its buffer to the pool; <see cref="Written"/> is no longer valid.</summary>
    public static void Return(PooledCharWriter writer)
    {
        writer._length = 0;
        if (writer._chars.Length > 0)
        {
            ArrayPool<char>.Shared.Return(writer._chars);
            writer._chars = Array.Empty<char>();
        }

        t_cached = writer;
    }

    public override void Write(char value)
    {
        if (_length == _chars.Length)
        {
            Grow(1);
        }

        _chars[_length++] = value;
    }

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (_chars.Length - _length < buffer.Length)
        {
            Grow(buffer.Length);
        }

        buffer.CopyTo(_chars.AsSpan(_length));
        _length += buffer.Length;
    }

    public override string ToString() => new(_chars, 0, _length);

    private void Grow(int needed)
    {
        var bigger = ArrayPool<char>.Shared.Rent(Math.Max(256, Math.Max(_chars.Length * 2, _length + needed)));
        _chars.AsSpan(0, _length).CopyTo(bigger);
        if (_chars.Length > 0)
        {
            ArrayPool<char>.Shared.Return(_chars);
        }

        _chars = bigger;
    }
}
