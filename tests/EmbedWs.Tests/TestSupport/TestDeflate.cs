using System.IO;
using System.IO.Compression;

namespace EmbedWs.Tests.TestSupport;

// The test side's permessage-deflate compressor (RFC 7692 §7.2.1): raw deflate, a sync flush
// at the end of each message, the 00 00 FF FF tail removed. With context takeover one
// compressor serves every message; without, a fresh one per message.
internal sealed class TestDeflate : IDisposable
{
    private readonly MemoryStream _output = new();
    private readonly bool _contextTakeover;
    private readonly CompressionLevel _level;
    private DeflateStream? _stream;

    public TestDeflate(bool contextTakeover = true, CompressionLevel level = CompressionLevel.Optimal)
    {
        _contextTakeover = contextTakeover;
        _level = level;
    }

    // One message's compressed payload, without the tail.
    public byte[] Compress(ReadOnlySpan<byte> message)
    {
        if (!_contextTakeover)
        {
            _stream?.Dispose();
            _stream = null;
        }

        _output.SetLength(0);
        _stream ??= new DeflateStream(_output, _level, leaveOpen: true);
        _stream.Write(message);
        _stream.Flush();
        var all = _output.ToArray();
        Assert.That(all.AsSpan(all.Length - 4).ToArray(), Is.EqualTo(new byte[] { 0, 0, 0xFF, 0xFF }), "a sync flush ends with 00 00 FF FF");
        return all.AsSpan(0, all.Length - 4).ToArray();
    }

    public byte[] Compress(string text) => Compress(System.Text.Encoding.UTF8.GetBytes(text));

    // A whole compressed client frame: RSV1 on, masked.
    public byte[] Frame(byte opcode, ReadOnlySpan<byte> message) => ClientFrame.Build(opcode, Compress(message), rsv: 0b100);

    public byte[] TextFrame(string text) => Frame(ClientFrame.OpText, System.Text.Encoding.UTF8.GetBytes(text));

    // Inflates a server message's payload (the tail put back) with a fresh inflater.
    public static byte[] Inflate(ReadOnlySpan<byte> payload)
    {
        var input = new MemoryStream();
        input.Write(payload);
        input.Write(new byte[] { 0, 0, 0xFF, 0xFF });
        input.Position = 0;
        using var inflate = new DeflateStream(input, CompressionMode.Decompress);
        var output = new MemoryStream();
        inflate.CopyTo(output);
        return output.ToArray();
    }

    public void Dispose() => _stream?.Dispose();
}
