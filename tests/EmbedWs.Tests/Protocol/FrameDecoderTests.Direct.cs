using System.Linq;
using EmbedWs.Protocol;
using EmbedWs.Tests.TestSupport;
using static EmbedWs.Tests.TestSupport.DecoderFeed;

namespace EmbedWs.Tests.Protocol;

// The rest of a large frame may be read straight into the message (DirectTarget, AcceptDirect):
// the results must be exactly those of feeding the same bytes through Decode, whatever the
// read sizes, and a direct target never reaches past its frame.
internal partial class FrameDecoderTests
{
    private static byte[] MixedStream() => ClientFrame.Concat(
        ClientFrame.Binary(RandomBytes(70_000, seed: 11)),
        ClientFrame.Text("small"),
        ClientFrame.Text(string.Concat(Enumerable.Repeat("Grüße κόσμε 😀 ", 900)), fin: false),
        ClientFrame.Ping(RandomBytes(125, seed: 12)),
        ClientFrame.Continuation(string.Concat(Enumerable.Repeat("¡hola! ", 3000))),
        ClientFrame.Binary(RandomBytes(5_000, seed: 13)),
        ClientFrame.Close(1000, "done"));

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(1000)]
    [TestCase(4096)]
    [TestCase(16384)]
    [TestCase(65536)]
    [TestCase(int.MaxValue)]
    public void DecodeDirect_MixedStream_SameResultsAsDecode(int chunk)
    {
        byte[] stream = MixedStream();
        using var plain = new FrameDecoder(DefaultMax);
        using var direct = new FrameDecoder(DefaultMax);

        var expected = DecodeAll(plain, stream, chunk);
        var actual = DecodeAllDirect(direct, stream, chunk);

        Assert.That(actual.Select(r => (r.Status, r.Opcode, r.CloseCode, r.Error)), Is.EqualTo(expected.Select(r => (r.Status, r.Opcode, r.CloseCode, r.Error))));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.That(actual[i].Payload, Is.EqualTo(expected[i].Payload), $"result {i}");
        }

        Assert.That(expected.Select(r => r.Status), Is.EqualTo(new[] { DecodeStatus.Message, DecodeStatus.Message, DecodeStatus.Ping, DecodeStatus.Message, DecodeStatus.Message, DecodeStatus.Close }));
    }

    [Test]
    public void DirectTarget_NeverReachesIntoTheNextFrame()
    {
        byte[] first = ClientFrame.Binary(RandomBytes(50_000, seed: 14));
        using var decoder = new FrameDecoder(DefaultMax);

        Assert.That(decoder.Decode(first.AsSpan(0, 1000).ToArray(), out int consumed, out _), Is.EqualTo(DecodeStatus.NeedMore));
        Assert.That(consumed, Is.EqualTo(1000));
        var target = decoder.DirectTarget(1);

        Assert.That(target.Length, Is.EqualTo(first.Length - 1000), "the frame's rest, exactly");
    }

    [Test]
    public void DirectTarget_ControlFrameOrSmallRest_Empty()
    {
        using var decoder = new FrameDecoder(DefaultMax);
        byte[] ping = ClientFrame.Ping(RandomBytes(100, seed: 15));
        decoder.Decode(ping.AsSpan(0, 10).ToArray(), out _, out _);
        Assert.That(decoder.DirectTarget(1).IsEmpty, Is.True, "a control frame's payload is never read directly");

        using var other = new FrameDecoder(DefaultMax);
        byte[] binary = ClientFrame.Binary(RandomBytes(5000, seed: 16));
        other.Decode(binary.AsSpan(0, 2000).ToArray(), out _, out _);
        Assert.That(other.DirectTarget(4096).IsEmpty, Is.True, "less than the minimum still to come");
        Assert.That(other.DirectTarget(1).IsEmpty, Is.False);
    }

    [Test]
    public void AcceptDirect_InvalidUtf8_NextDecodeFailsWith1007()
    {
        byte[] payload = System.Text.Encoding.UTF8.GetBytes(new string('a', 20_000));
        payload[15_000] = 0xFF;
        byte[] frame = ClientFrame.Build(ClientFrame.OpText, payload);
        using var decoder = new FrameDecoder(DefaultMax);

        var results = DecodeAllDirect(decoder, frame, chunkSize: 8000);

        Assert.That(results.Single().Error, Is.EqualTo(FrameError.InvalidUtf8));
    }

    [Test]
    public void Decode_HugeDeclaredFrameWithFewBytes_ReservesAtMostSixtyFourKiB()
    {
        var pool = new RecordingPool();
        using var decoder = new FrameDecoder(DefaultMax, pool);

        decoder.Decode(ClientFrame.Concat(ClientFrame.Header(ClientFrame.OpBinary, 1_000_000), new byte[10]), out _, out _);
        decoder.DirectTarget(1);

        Assert.That(pool.Requested, Has.All.LessThanOrEqualTo(64 * 1024), "a header must not pin more than 64 KiB ahead of the bytes");
    }
}
