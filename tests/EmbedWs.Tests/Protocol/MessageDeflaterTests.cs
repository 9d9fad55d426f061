using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using EmbedWs.Protocol;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Protocol;

/// <summary>
/// The send side of permessage-deflate (RFC 7692 §7.2.1) over the base library's DeflateStream:
/// its Flush must be a zlib sync flush, on whichever runtime runs the library.
/// </summary>
[TestFixture]
internal class MessageDeflaterTests
{
    [Test]
    public void DeflateStreamFlush_IsASyncFlush_EndingWith0000FFFF_AndTheStreamGoesOn()
    {
        var output = new MemoryStream();
        using var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true);

        deflate.Write("Hello"u8);
        deflate.Flush();
        var first = output.ToArray();
        deflate.Write("Hello"u8);
        deflate.Flush();
        var both = output.ToArray();

        Assert.That(first.TakeLast(4), Is.EqualTo(new byte[] { 0, 0, 0xFF, 0xFF }), RuntimeInformation());
        Assert.That(both.TakeLast(4), Is.EqualTo(new byte[] { 0, 0, 0xFF, 0xFF }));
        Assert.That(Encoding.UTF8.GetString(TestDeflate.Inflate(both.AsSpan(0, both.Length - 4))), Is.EqualTo("HelloHello"));
    }

    [Test]
    public void SyncFlushWorks_OnThisRuntime()
    {
        Assert.That(MessageDeflater.SyncFlushWorks, Is.True, RuntimeInformation());
    }

    [TestCase(true)]
    [TestCase(false)]
    public void TryCompress_Frames_HaveRsv1AndInflateInOrder(bool contextTakeover)
    {
        using var deflater = new MessageDeflater(CompressionLevel.Fastest, contextTakeover);
        string text = string.Concat(Enumerable.Repeat("{\"type\":\"tick\",\"data\":{\"x\":12}}", 50));
        var inflated = new MemoryStream();
        var window = new MemoryStream();

        for (int i = 0; i < 3; i++)
        {
            Assert.That(deflater.TryCompress(WsOpcode.Text, Encoding.UTF8.GetBytes(text), out var frame), Is.True);
            var bytes = frame.AsSpan();
            Assert.That(bytes[0], Is.EqualTo(0xC1), "FIN, RSV1, text");
            int length = bytes[1] == 126 ? (bytes[2] << 8) | bytes[3] : bytes[1];
            int header = bytes[1] == 126 ? 4 : 2;
            Assert.That(bytes.Length, Is.EqualTo(header + length));
            window.Write(bytes.Slice(header));
            window.Write(new byte[] { 0, 0, 0xFF, 0xFF });
            if (!contextTakeover)
            {
                // Each message alone must inflate with a fresh inflater.
                Assert.That(Encoding.UTF8.GetString(TestDeflate.Inflate(bytes.Slice(header))), Is.EqualTo(text));
            }

            System.Buffers.ArrayPool<byte>.Shared.Return(frame.Array!);
        }

        Assert.That(deflater.IsActive, Is.EqualTo(contextTakeover), "no takeover: no zlib state between messages");
        window.Position = 0;
        using var inflate = new DeflateStream(window, CompressionMode.Decompress);
        var buffer = new byte[text.Length * 3];
        int total = 0;
        int n;
        while ((n = inflate.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += n;
        }

        Assert.That(Encoding.UTF8.GetString(buffer, 0, total), Is.EqualTo(text + text + text));
    }

    [Test]
    public void TryCompress_IncompressibleWithoutContextTakeover_GoesPlain()
    {
        using var deflater = new MessageDeflater(CompressionLevel.Fastest, contextTakeover: false);
        var random = new byte[2000];
        new Random(7).NextBytes(random);

        Assert.That(deflater.TryCompress(WsOpcode.Binary, random, out _), Is.False);
    }

    private static string RuntimeInformation() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
}
