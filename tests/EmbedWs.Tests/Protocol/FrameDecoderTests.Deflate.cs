using System.IO.Compression;
using System.Linq;
using System.Text;
using EmbedWs.Protocol;
using EmbedWs.Tests.TestSupport;
using static EmbedWs.Tests.TestSupport.DecoderFeed;

namespace EmbedWs.Tests.Protocol;

// Compressed messages (RFC 7692 §6, §7.2.2): RSV1 only where agreed and allowed, inflation
// bounded by the message limit while it runs, UTF-8 checked on the inflated text.
internal partial class FrameDecoderTests
{
    private const byte Rsv1 = 0b100;

    private static PerMessageDeflate Deflate(bool clientNoContextTakeover = false) =>
        new(new DeflateParameters(serverNoContextTakeover: true, clientNoContextTakeover, serverMaxWindowBits: 15, answerServerWindowBits: false),
            threshold: 0, CompressionLevel.Fastest);

    // RFC 7692 §7.2.3.1-§7.2.3.5: "Hello" compressed in each of the ways the RFC shows.
    [TestCase("f248cdc9c90700", Description = "§7.2.3.1 one compressed block")]
    [TestCase("0005 00faff48656c6c6f00", Description = "§7.2.3.3 a stored block")]
    [TestCase("f348cdc9c9070000", Description = "§7.2.3.4 BFINAL set")]
    [TestCase("f248050000 00ffffcac9c90700", Description = "§7.2.3.5 two blocks")]
    public void Decode_Rfc7692Examples_InflateToHello(string hex)
    {
        using var deflate = Deflate(clientNoContextTakeover: true);
        using var decoder = new FrameDecoder(DefaultMax) { Deflate = deflate };

        var results = DecodeAll(decoder, ClientFrame.Build(ClientFrame.OpText, Convert.FromHexString(hex.Replace(" ", "")), rsv: Rsv1));

        Assert.That(results.Select(r => (r.Status, r.Text)), Is.EqualTo(new[] { (DecodeStatus.Message, "Hello") }));
    }

    [Test]
    public void Decode_Rfc7692SharedWindow_SecondHelloRefersToTheFirst()
    {
        using var deflate = Deflate();
        using var decoder = new FrameDecoder(DefaultMax) { Deflate = deflate };

        // §7.2.3.2: the second message is a back-reference into the first.
        var bytes = ClientFrame.Concat(
            ClientFrame.Build(ClientFrame.OpText, Convert.FromHexString("f248cdc9c90700"), rsv: Rsv1),
            ClientFrame.Build(ClientFrame.OpText, Convert.FromHexString("f200110000"), rsv: Rsv1));

        var results = DecodeAll(decoder, bytes);

        Assert.That(results.Select(r => r.Text), Is.EqualTo(new[] { "Hello", "Hello" }));
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(4096)]
    public void Decode_CompressedMessagesInAnyChunks_InflateWithContextTakeover(int chunk)
    {
        using var deflate = Deflate();
        using var decoder = new FrameDecoder(DefaultMax) { Deflate = deflate };
        using var client = new TestDeflate(contextTakeover: true);
        string json = string.Concat(Enumerable.Repeat("{\"type\":\"state\",\"x\":1,\"é\":\"ü\"}", 200));

        var bytes = ClientFrame.Concat(client.TextFrame(json), client.TextFrame(json), ClientFrame.Text("plain"), client.TextFrame(json));
        var results = DecodeAll(decoder, bytes, chunk);

        Assert.That(results.Select(r => r.Text), Is.EqualTo(new[] { json, json, "plain", json }));
    }

    [Test]
    public void Decode_FragmentedCompressedMessage_RsvOnFirstFrameOnly_WithPingBetween()
    {
        using var deflate = Deflate();
        using var decoder = new FrameDecoder(DefaultMax) { Deflate = deflate };
        using var client = new TestDeflate();
        byte[] data = Enumerable.Range(0, 5000).Select(i => (byte)(i % 7)).ToArray();
        byte[] compressed = client.Compress(data);
        int half = compressed.Length / 2;

        var bytes = ClientFrame.Concat(
            ClientFrame.Build(ClientFrame.OpBinary, compressed.AsSpan(0, half), fin: false, rsv: Rsv1),
            ClientFrame.Ping("p"u8),
            ClientFrame.Continuation(compressed.AsSpan(half)));
        var results = DecodeAll(decoder, bytes);

        Assert.That(results.Select(r => r.Status), Is.EqualTo(new[] { DecodeStatus.Ping, DecodeStatus.Message }));
        Assert.That(results[1].Payload, Is.EqualTo(data));
    }

    [Test]
    public void Decode_Rsv1WithoutNegotiation_Fails1002()
    {
        using var decoder = new FrameDecoder(DefaultMax);

        var results = DecodeAll(decoder, ClientFrame.Build(ClientFrame.OpText, Convert.FromHexString("f248cdc9c90700"), rsv: Rsv1));

        Assert.That(results.Single().Error, Is.EqualTo(FrameError.ReservedBits));
        Assert.That(results.Single().CloseCode, Is.EqualTo(1002));
    }

    [TestCase(ClientFrame.OpPing)]
    [TestCase(ClientFrame.OpPong)]
    [TestCase(ClientFrame.OpClose)]
    public void Decode_Rsv1OnControlFrame_Fails1002(byte opcode)
    {
        using var deflate = Deflate();
        using var decoder = new FrameDecoder(DefaultMax) { Deflate = deflate };

        var results = DecodeAll(decoder, ClientFrame.Build(opcode, Array.Empty<byte>(), rsv: Rsv1));

        Assert.That(results.Single().Error, Is.EqualTo(FrameError.ReservedBits));
    }

    [Test]
    public void Decode_Rsv1OnContinuation_Fails1002()
    {
        using var deflate = Deflate();
        using var decoder = new FrameDecoder(DefaultMax) { Deflate = deflate };

        var bytes = ClientFrame.Concat(
            ClientFrame.Build(ClientFrame.OpText, "Hel"u8, fin: false, rsv: Rsv1),
            ClientFrame.Build(ClientFrame.OpContinuation, "lo"u8, rsv: Rsv1));
        var results = DecodeAll(decoder, bytes);

        Assert.That(results.Single().Error, Is.EqualTo(FrameError.ReservedBits));
    }

    [TestCase(0b010)]
    [TestCase(0b001)]
    [TestCase(0b110)]
    public void Decode_Rsv2OrRsv3WithDeflate_Fails1002(int rsv)
    {
        using var deflate = Deflate();
        using var decoder = new FrameDecoder(DefaultMax) { Deflate = deflate };

        var results = DecodeAll(decoder, ClientFrame.Build(ClientFrame.OpText, "x"u8, rsv: (byte)rsv));

        Assert.That(results.Single().Error, Is.EqualTo(FrameError.ReservedBits));
    }

    [TestCase(1)]
    [TestCase(1000)]
    public void Decode_InflatesPastTheLimit_Fails1009AtTheLimit(int chunk)
    {
        const int limit = 64 * 1024;
        using var deflate = Deflate();
        using var decoder = new FrameDecoder(limit) { Deflate = deflate };
        using var client = new TestDeflate();

        // 1 MiB of zeros is about 1 KiB compressed: it fits the limit, its inflation does not.
        var frame = ClientFrame.Build(ClientFrame.OpBinary, client.Compress(new byte[1 << 20]), rsv: Rsv1);
        Assert.That(frame.Length, Is.LessThan(limit));
        var results = DecodeAll(decoder, frame, chunk);

        Assert.That(results.Single().Error, Is.EqualTo(FrameError.MessageTooBig));
        Assert.That(results.Single().CloseCode, Is.EqualTo(1009));
    }

    [Test]
    public void Decode_InflatesToExactlyTheLimit_IsAMessage()
    {
        const int limit = 10_000;
        using var deflate = Deflate();
        using var decoder = new FrameDecoder(limit) { Deflate = deflate };
        using var client = new TestDeflate();

        var results = DecodeAll(decoder, client.Frame(ClientFrame.OpBinary, new byte[limit]));

        Assert.That(results.Single().Status, Is.EqualTo(DecodeStatus.Message));
        Assert.That(results.Single().Payload.Length, Is.EqualTo(limit));
    }

    [Test]
    public void Decode_InflatedTextNotUtf8_Fails1007()
    {
        using var deflate = Deflate();
        using var decoder = new FrameDecoder(DefaultMax) { Deflate = deflate };
        using var client = new TestDeflate();

        var results = DecodeAll(decoder, client.Frame(ClientFrame.OpText, new byte[] { 0x48, 0xC0, 0xAF }));

        Assert.That(results.Single().Error, Is.EqualTo(FrameError.InvalidUtf8));
        Assert.That(results.Single().CloseCode, Is.EqualTo(1007));
    }

    // Found by the deflate fuzz target: 9b inflates to a lone 0x90 only once the 00 00 FF FF tail
    // is put back at the message's end; that last output is text too.
    [Test]
    public void Decode_InvalidUtf8OnlyInWhatTheTailYields_Fails1007()
    {
        using var deflate = Deflate(clientNoContextTakeover: true);
        using var decoder = new FrameDecoder(DefaultMax) { Deflate = deflate };

        var results = DecodeAll(decoder, ClientFrame.Build(ClientFrame.OpText, new byte[] { 0x9b }, rsv: Rsv1));

        Assert.That(results.Single().Error, Is.EqualTo(FrameError.InvalidUtf8));
    }

    [Test]
    public void Decode_TextSplitInsideACharacterAcrossCompressedFragments_IsValid()
    {
        using var deflate = Deflate();
        using var decoder = new FrameDecoder(DefaultMax) { Deflate = deflate };
        using var client = new TestDeflate(contextTakeover: false, CompressionLevel.NoCompression);
        byte[] text = Encoding.UTF8.GetBytes("aé€😀z");

        // Stored blocks keep the bytes in order: a split in the compressed payload is a split in the text.
        byte[] compressed = client.Compress(text);
        var bytes = ClientFrame.Concat(
            ClientFrame.Build(ClientFrame.OpText, compressed.AsSpan(0, compressed.Length - 3), fin: false, rsv: Rsv1),
            ClientFrame.Continuation(compressed.AsSpan(compressed.Length - 3)));

        Assert.That(DecodeAll(decoder, bytes).Single().Text, Is.EqualTo("aé€😀z"));
    }

    [Test]
    public void Decode_NotDeflateData_Fails1007()
    {
        using var deflate = Deflate();
        using var decoder = new FrameDecoder(DefaultMax) { Deflate = deflate };

        // BTYPE 11 is reserved (RFC 1951 §3.2.3).
        var results = DecodeAll(decoder, ClientFrame.Build(ClientFrame.OpBinary, new byte[] { 0xFF, 0xFF, 0xFF }, rsv: Rsv1));

        Assert.That(results.Single().Error, Is.EqualTo(FrameError.InvalidCompressedData));
        Assert.That(results.Single().CloseCode, Is.EqualTo(1007));
    }

    [Test]
    public void Decode_NoClientContextTakeover_InflaterReleasedAfterEachMessage()
    {
        using var deflate = Deflate(clientNoContextTakeover: true);
        using var decoder = new FrameDecoder(DefaultMax) { Deflate = deflate };
        using var client = new TestDeflate(contextTakeover: false);

        Assert.That(DecodeAll(decoder, client.TextFrame(new string('a', 3000))).Single().Text, Has.Length.EqualTo(3000));
        Assert.That(deflate.HoldsState, Is.False);
        Assert.That(DecodeAll(decoder, client.TextFrame(new string('b', 3000))).Single().Text, Is.EqualTo(new string('b', 3000)));
    }

    [Test]
    public void Decode_ClientContextTakeover_InflaterKept()
    {
        using var deflate = Deflate(clientNoContextTakeover: false);
        using var decoder = new FrameDecoder(DefaultMax) { Deflate = deflate };
        using var client = new TestDeflate();

        DecodeAll(decoder, client.TextFrame(new string('a', 3000)));

        Assert.That(deflate.HoldsState, Is.True);
    }
}
