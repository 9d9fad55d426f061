using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using EmbedWs.Protocol;
using EmbedWs.Tests.TestSupport;
using static EmbedWs.Tests.TestSupport.DecoderFeed;

namespace EmbedWs.Tests.Protocol;

// Messages and control frames that follow the rules; errors and close frames are in the other parts.
[TestFixture]
internal partial class FrameDecoderTests
{
    private const long DefaultMax = 1 << 20;

    [Test]
    public void Decode_Rfc5_7MaskedHello_ReturnsTextMessageInPlace()
    {
        using var decoder = new FrameDecoder(DefaultMax);
        byte[] input = Convert.FromHexString("818537fa213d7f9f4d5158");

        var status = decoder.Decode(input, out int consumed, out var frame);

        Assert.That(status, Is.EqualTo(DecodeStatus.Message));
        Assert.That(consumed, Is.EqualTo(11));
        Assert.That(frame.Opcode, Is.EqualTo(WsOpcode.Text));
        Assert.That(Encoding.UTF8.GetString(frame.Payload.Span), Is.EqualTo("Hello"));
        // Fast path: the payload is the unmasked input itself, not a copy.
        Assert.That(MemoryMarshal.TryGetArray(frame.Payload, out var segment), Is.True);
        Assert.That(segment.Array, Is.SameAs(input));
        Assert.That(segment.Offset, Is.EqualTo(6));
        Assert.That(decoder.IsMidMessage, Is.False);
    }

    [TestCase(1)]
    [TestCase(125)]
    [TestCase(126)]
    [TestCase(65535)]
    [TestCase(65536)]
    [TestCase(70000)]
    public void Decode_SingleBinaryFrame_ReturnsMessageWithPayload(int length)
    {
        using var decoder = new FrameDecoder(DefaultMax);
        byte[] payload = RandomBytes(length, seed: length);
        byte[] frame = ClientFrame.Binary(payload);

        var result = DecodeOnce(decoder, frame);

        Assert.That(result.Status, Is.EqualTo(DecodeStatus.Message));
        Assert.That(result.Opcode, Is.EqualTo(WsOpcode.Binary));
        Assert.That(result.Consumed, Is.EqualTo(frame.Length));
        Assert.That(result.Payload, Is.EqualTo(payload));
    }

    [Test]
    public void Decode_TextFedOneByteAtATime_DeliveredOnceWhole()
    {
        using var decoder = new FrameDecoder(DefaultMax);
        const string Text = "Hello, κόσμε 😀";

        var results = DecodeAll(decoder, ClientFrame.Text(Text), chunkSize: 1);

        Assert.That(results, Has.Count.EqualTo(1));
        Assert.That(results[0].Status, Is.EqualTo(DecodeStatus.Message));
        Assert.That(results[0].Opcode, Is.EqualTo(WsOpcode.Text));
        Assert.That(results[0].Text, Is.EqualTo(Text));
    }

    [Test]
    public void Decode_BinaryWith16BitLengthFedOneByteAtATime_DeliveredOnceWhole()
    {
        using var decoder = new FrameDecoder(DefaultMax);
        byte[] payload = RandomBytes(300, seed: 9);

        var results = DecodeAll(decoder, ClientFrame.Binary(payload), chunkSize: 1);

        Assert.That(results.Select(r => r.Status), Is.EqualTo(new[] { DecodeStatus.Message }));
        Assert.That(results[0].Payload, Is.EqualTo(payload));
    }

    [Test]
    public void Decode_ThreeFragmentsWithPingBetween_PingThenReassembledMessage()
    {
        using var decoder = new FrameDecoder(DefaultMax);
        byte[] stream = ClientFrame.Concat(
            ClientFrame.Text("Hel", fin: false),
            ClientFrame.Continuation("lo, ", fin: false),
            ClientFrame.Ping(Encoding.ASCII.GetBytes("are you there")),
            ClientFrame.Continuation("world"));

        var results = DecodeAll(decoder, stream);

        Assert.That(results.Select(r => r.Status), Is.EqualTo(new[] { DecodeStatus.Ping, DecodeStatus.Message }));
        Assert.That(results[0].Opcode, Is.EqualTo(WsOpcode.Ping));
        Assert.That(results[0].Text, Is.EqualTo("are you there"));
        Assert.That(results[1].Opcode, Is.EqualTo(WsOpcode.Text));
        Assert.That(results[1].Text, Is.EqualTo("Hello, world"));
    }

    [Test]
    public void Decode_PingInsideFragmentedMessage_ReportsMidMessage()
    {
        using var decoder = new FrameDecoder(DefaultMax);
        byte[] stream = ClientFrame.Concat(ClientFrame.Binary(new byte[] { 1, 2 }, fin: false), ClientFrame.Ping());

        var results = DecodeAll(decoder, stream);

        Assert.That(results.Single().Status, Is.EqualTo(DecodeStatus.Ping));
        Assert.That(results.Single().Payload, Is.Empty);
        Assert.That(decoder.IsMidMessage, Is.True);
    }

    [Test]
    public void Decode_FragmentedStreamInEveryChunkSize_SameResults()
    {
        byte[] stream = ClientFrame.Concat(
            ClientFrame.Text("Grüße ", fin: false),
            ClientFrame.Pong(new byte[] { 7 }),
            ClientFrame.Continuation("κόσμε", fin: false),
            ClientFrame.Ping(RandomBytes(125, seed: 1)),
            ClientFrame.Continuation("!"),
            ClientFrame.Binary(RandomBytes(200, seed: 2)),
            ClientFrame.Close(1000, "done"));

        for (int chunk = 1; chunk <= 40; chunk++)
        {
            using var decoder = new FrameDecoder(DefaultMax);

            var results = DecodeAll(decoder, stream, chunk);

            string at = $"chunk size {chunk}";
            Assert.That(results.Select(r => r.Status), Is.EqualTo(new[]
            {
                DecodeStatus.Pong, DecodeStatus.Ping, DecodeStatus.Message, DecodeStatus.Message, DecodeStatus.Close,
            }), at);
            Assert.That(results[0].Payload, Is.EqualTo(new byte[] { 7 }), at);
            Assert.That(results[1].Payload, Is.EqualTo(RandomBytes(125, seed: 1)), at);
            Assert.That(results[2].Text, Is.EqualTo("Grüße κόσμε!"), at);
            Assert.That(results[3].Payload, Is.EqualTo(RandomBytes(200, seed: 2)), at);
            Assert.That(results[4].CloseCode, Is.EqualTo(1000), at);
            Assert.That(results[4].Text, Is.EqualTo("done"), at);
        }
    }

    [Test]
    public void Decode_ManyFragments_ReassembledInOrder()
    {
        using var decoder = new FrameDecoder(DefaultMax);
        byte[] payload = RandomBytes(100_000, seed: 3);
        var frames = Enumerable.Range(0, 10).Select(i => ClientFrame.Build(
            i == 0 ? ClientFrame.OpBinary : ClientFrame.OpContinuation,
            payload.AsSpan(i * 10_000, 10_000),
            fin: i == 9)).ToArray();

        var results = DecodeAll(decoder, ClientFrame.Concat(frames), chunkSize: 4096);

        Assert.That(results.Single().Status, Is.EqualTo(DecodeStatus.Message));
        Assert.That(results.Single().Opcode, Is.EqualTo(WsOpcode.Binary));
        Assert.That(results.Single().Payload, Is.EqualTo(payload));
    }

    [TestCase(ClientFrame.OpText)]
    [TestCase(ClientFrame.OpBinary)]
    public void Decode_EmptyMessage_ReturnsEmptyPayload(byte opcode)
    {
        using var decoder = new FrameDecoder(DefaultMax);

        var result = DecodeOnce(decoder, ClientFrame.Build(opcode, ReadOnlySpan<byte>.Empty));

        Assert.That(result.Status, Is.EqualTo(DecodeStatus.Message));
        Assert.That((byte)result.Opcode, Is.EqualTo(opcode));
        Assert.That(result.Payload, Is.Empty);
        Assert.That(result.Consumed, Is.EqualTo(6));
    }

    [Test]
    public void Decode_EmptyFragmentsOnly_ReturnsEmptyMessage()
    {
        using var decoder = new FrameDecoder(DefaultMax);
        byte[] stream = ClientFrame.Concat(ClientFrame.Text("", fin: false), ClientFrame.Continuation("", fin: false), ClientFrame.Continuation(""));

        var results = DecodeAll(decoder, stream);

        Assert.That(results.Single().Status, Is.EqualTo(DecodeStatus.Message));
        Assert.That(results.Single().Opcode, Is.EqualTo(WsOpcode.Text));
        Assert.That(results.Single().Payload, Is.Empty);
    }

    [Test]
    public void Decode_TwoMessagesInOneBuffer_OnePerCallWithExactConsumed()
    {
        using var decoder = new FrameDecoder(DefaultMax);
        byte[] first = ClientFrame.Text("first");
        byte[] secondPayload = RandomBytes(300, seed: 4);
        byte[] second = ClientFrame.Binary(secondPayload);
        Memory<byte> input = ClientFrame.Concat(first, second);

        var status1 = decoder.Decode(input, out int consumed1, out var frame1);
        Assert.That(status1, Is.EqualTo(DecodeStatus.Message));
        Assert.That(consumed1, Is.EqualTo(first.Length));
        Assert.That(Encoding.UTF8.GetString(frame1.Payload.Span), Is.EqualTo("first"));

        var status2 = decoder.Decode(input.Slice(consumed1), out int consumed2, out var frame2);
        Assert.That(status2, Is.EqualTo(DecodeStatus.Message));
        Assert.That(consumed2, Is.EqualTo(second.Length));
        Assert.That(frame2.Opcode, Is.EqualTo(WsOpcode.Binary));
        Assert.That(frame2.Payload.ToArray(), Is.EqualTo(secondPayload));

        var status3 = decoder.Decode(input.Slice(consumed1 + consumed2), out int consumed3, out _);
        Assert.That(status3, Is.EqualTo(DecodeStatus.NeedMore));
        Assert.That(consumed3, Is.Zero);
    }

    [Test]
    public void Decode_FragmentedMessageThenWholeMessageInOneBuffer_SecondPayloadCorrect()
    {
        using var decoder = new FrameDecoder(DefaultMax);
        Memory<byte> input = ClientFrame.Concat(
            ClientFrame.Text("ab", fin: false), ClientFrame.Continuation("cd"), ClientFrame.Text("second"), ClientFrame.Text("x", fin: false));

        decoder.Decode(input, out int consumed1, out var frame1);
        Assert.That(Encoding.UTF8.GetString(frame1.Payload.Span), Is.EqualTo("abcd"));

        var status = decoder.Decode(input.Slice(consumed1), out int consumed2, out var frame2);
        Assert.That(status, Is.EqualTo(DecodeStatus.Message));
        Assert.That(Encoding.UTF8.GetString(frame2.Payload.Span), Is.EqualTo("second"));
        Assert.That(consumed2, Is.EqualTo(ClientFrame.Text("second").Length));

        // The start of a third message: its header and payload are used, nothing is delivered.
        Assert.That(decoder.Decode(input.Slice(consumed1 + consumed2), out int consumed3, out _), Is.EqualTo(DecodeStatus.NeedMore));
        Assert.That(consumed1 + consumed2 + consumed3, Is.EqualTo(input.Length));
        Assert.That(decoder.IsMidMessage, Is.True);
    }

    [Test]
    public void Decode_IncompleteHeader_NeedMoreWithNothingConsumed()
    {
        using var decoder = new FrameDecoder(DefaultMax);
        byte[] frame = ClientFrame.Text("hi");

        for (int n = 0; n < 6; n++)
        {
            var status = decoder.Decode(frame.AsSpan(0, n).ToArray(), out int consumed, out _);

            Assert.That(status, Is.EqualTo(DecodeStatus.NeedMore), $"{n} header bytes");
            Assert.That(consumed, Is.Zero, $"{n} header bytes");
        }
    }

    [TestCase(ClientFrame.OpPing, DecodeStatus.Ping)]
    [TestCase(ClientFrame.OpPong, DecodeStatus.Pong)]
    public void Decode_ControlFrameOf125Bytes_ReturnsPayload(byte opcode, DecodeStatus expected)
    {
        using var decoder = new FrameDecoder(DefaultMax);
        byte[] payload = RandomBytes(125, seed: 5);

        var result = DecodeOnce(decoder, ClientFrame.Build(opcode, payload));

        Assert.That(result.Status, Is.EqualTo(expected));
        Assert.That(result.Payload, Is.EqualTo(payload));
    }

    [Test]
    public void Decode_MessageExactlyAtLimit_Accepted()
    {
        using var decoder = new FrameDecoder(1000);
        byte[] single = ClientFrame.Binary(new byte[1000]);
        byte[] fragmented = ClientFrame.Concat(ClientFrame.Binary(new byte[600], fin: false), ClientFrame.Continuation(new byte[400]));

        var results = DecodeAll(decoder, ClientFrame.Concat(single, fragmented));

        Assert.That(results.Select(r => r.Payload.Length), Is.EqualTo(new[] { 1000, 1000 }));
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
