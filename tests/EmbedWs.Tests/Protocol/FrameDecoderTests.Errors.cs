using System.Linq;
using EmbedWs.Protocol;
using EmbedWs.Tests.TestSupport;
using static EmbedWs.Tests.TestSupport.DecoderFeed;

namespace EmbedWs.Tests.Protocol;

// Protocol violations: each ends in Error with the RFC close code, and the decoder stays failed.
internal partial class FrameDecoderTests
{
    [TestCase(ClientFrame.OpText)]
    [TestCase(ClientFrame.OpBinary)]
    [TestCase(ClientFrame.OpPing)]
    [TestCase(ClientFrame.OpClose)]
    public void Decode_UnmaskedFrame_ReturnsErrorWith1002(byte opcode)
    {
        AssertError(ClientFrame.Build(opcode, "hi"u8, masked: false), FrameError.UnmaskedFrame, 1002);
    }

    [TestCase((byte)0b100)]
    [TestCase((byte)0b010)]
    [TestCase((byte)0b001)]
    [TestCase((byte)0b111)]
    public void Decode_ReservedBitsSet_ReturnsErrorWith1002(byte rsv)
    {
        AssertError(ClientFrame.Build(ClientFrame.OpText, "hi"u8, rsv: rsv), FrameError.ReservedBits, 1002);
    }

    [TestCase((byte)0x3)]
    [TestCase((byte)0x4)]
    [TestCase((byte)0x5)]
    [TestCase((byte)0x6)]
    [TestCase((byte)0x7)]
    [TestCase((byte)0xB)]
    [TestCase((byte)0xC)]
    [TestCase((byte)0xD)]
    [TestCase((byte)0xE)]
    [TestCase((byte)0xF)]
    public void Decode_ReservedOpcode_ReturnsErrorWith1002(byte opcode)
    {
        AssertError(ClientFrame.Build(opcode, "hi"u8), FrameError.ReservedOpcode, 1002);
    }

    [TestCase(ClientFrame.OpPing)]
    [TestCase(ClientFrame.OpPong)]
    [TestCase(ClientFrame.OpClose)]
    public void Decode_ControlFrameOver125Bytes_ReturnsErrorWith1002(byte opcode)
    {
        AssertError(ClientFrame.Build(opcode, new byte[126]), FrameError.ControlFrameTooLong, 1002);
    }

    [Test]
    public void Decode_HeaderOfOversizedPing_ErrorBeforePayload()
    {
        AssertError(ClientFrame.Header(ClientFrame.OpPing, 65536), FrameError.ControlFrameTooLong, 1002);
    }

    [TestCase(ClientFrame.OpPing)]
    [TestCase(ClientFrame.OpPong)]
    [TestCase(ClientFrame.OpClose)]
    public void Decode_FragmentedControlFrame_ReturnsErrorWith1002(byte opcode)
    {
        AssertError(ClientFrame.Build(opcode, "hi"u8, fin: false), FrameError.FragmentedControlFrame, 1002);
    }

    [Test]
    public void Decode_ContinuationWithNoMessageOpen_ReturnsErrorWith1002()
    {
        AssertError(ClientFrame.Continuation("orphan"), FrameError.UnexpectedContinuation, 1002);
    }

    [Test]
    public void Decode_ContinuationAfterFinishedMessage_ReturnsErrorWith1002()
    {
        byte[] stream = ClientFrame.Concat(ClientFrame.Text("done"), ClientFrame.Continuation("more"));

        AssertError(stream, FrameError.UnexpectedContinuation, 1002, expectedBefore: 1);
    }

    [TestCase(ClientFrame.OpText)]
    [TestCase(ClientFrame.OpBinary)]
    public void Decode_NewDataFrameInsideFragmentedMessage_ReturnsErrorWith1002(byte opcode)
    {
        byte[] stream = ClientFrame.Concat(ClientFrame.Text("part", fin: false), ClientFrame.Build(opcode, "new"u8));

        AssertError(stream, FrameError.ExpectedContinuation, 1002);
    }

    [TestCase("c080")]
    [TestCase("eda080")]
    [TestCase("f4908080")]
    [TestCase("ff")]
    [TestCase("48656c6c6fc2")]
    public void Decode_SingleTextFrameWithInvalidUtf8_ReturnsErrorWith1007(string hex)
    {
        AssertError(ClientFrame.TextBytes(Convert.FromHexString(hex)), FrameError.InvalidUtf8, 1007);
    }

    [Test]
    public void Decode_InvalidUtf8InFirstFragment_FailsBeforeMessageEnds()
    {
        AssertError(ClientFrame.TextBytes(Convert.FromHexString("41ff41"), fin: false), FrameError.InvalidUtf8, 1007);
    }

    // Each fragment alone is a valid start or valid text; only together are they invalid.
    [TestCase("c3", "41")]        // a 2-byte lead, then ASCII
    [TestCase("e0", "8080")]      // overlong 3-byte
    [TestCase("ed", "a080")]      // surrogate U+D800
    [TestCase("f4", "908080")]    // above U+10FFFF
    [TestCase("e282", "41")]      // 3-byte char cut by ASCII
    public void Decode_InvalidUtf8SplitAcrossFragments_ReturnsErrorWith1007(string firstHex, string secondHex)
    {
        byte[] stream = ClientFrame.Concat(
            ClientFrame.TextBytes(Convert.FromHexString(firstHex), fin: false),
            ClientFrame.Continuation(Convert.FromHexString(secondHex)));

        AssertError(stream, FrameError.InvalidUtf8, 1007);
    }

    [Test]
    public void Decode_FragmentedTextEndingMidCharacter_ReturnsErrorWith1007()
    {
        byte[] stream = ClientFrame.Concat(ClientFrame.Text("a", fin: false), ClientFrame.Continuation(Convert.FromHexString("e282")));

        AssertError(stream, FrameError.InvalidUtf8, 1007);
    }

    [TestCase("e2", "82", "ac", "€")]
    [TestCase("f0", "9f98", "80", "😀")]
    [TestCase("f09f", "", "9880", "😀")]
    [TestCase("c3", "a9", "", "é")]
    public void Decode_ValidCharacterSplitAcrossFragments_Accepted(string a, string b, string c, string expected)
    {
        using var decoder = new FrameDecoder(DefaultMax);
        byte[] stream = ClientFrame.Concat(
            ClientFrame.TextBytes(Convert.FromHexString(a), fin: false),
            ClientFrame.Continuation(Convert.FromHexString(b), fin: false),
            ClientFrame.Continuation(Convert.FromHexString(c)));

        var results = DecodeAll(decoder, stream);

        Assert.That(results.Single().Status, Is.EqualTo(DecodeStatus.Message));
        Assert.That(results.Single().Text, Is.EqualTo(expected));
    }

    [Test]
    public void Decode_BinaryWithInvalidUtf8Bytes_Accepted()
    {
        using var decoder = new FrameDecoder(DefaultMax);

        var result = DecodeOnce(decoder, ClientFrame.Binary(new byte[] { 0xff, 0xc0, 0x80 }));

        Assert.That(result.Status, Is.EqualTo(DecodeStatus.Message));
    }

    [Test]
    public void Decode_SingleFrameOverLimit_ReturnsErrorWith1009()
    {
        AssertError(ClientFrame.Binary(new byte[1001]), FrameError.MessageTooBig, 1009, maxMessageSize: 1000);
    }

    [Test]
    public void Decode_FragmentsOverLimitTogether_ReturnsErrorWith1009()
    {
        byte[] stream = ClientFrame.Concat(ClientFrame.Binary(new byte[600], fin: false), ClientFrame.Continuation(new byte[401]));

        AssertError(stream, FrameError.MessageTooBig, 1009, maxMessageSize: 1000);
    }

    [TestCase(1001UL)]
    [TestCase(0x7fff_ffff_ffff_ffffUL)]
    public void Decode_HeaderAloneDeclaringTooMuch_ReturnsErrorWith1009(ulong declared)
    {
        AssertError(ClientFrame.Header(ClientFrame.OpBinary, declared), FrameError.MessageTooBig, 1009, maxMessageSize: 1000);
    }

    // The limit must hold for a continuation too: message length so far + declared length must not wrap around.
    [TestCase(0x7fff_ffff_ffff_ffffUL)]
    [TestCase(0x7fff_ffff_ffff_fffaUL)]
    public void Decode_ContinuationHeaderDeclaringHugeLengthAfterData_ReturnsErrorWith1009(ulong declared)
    {
        byte[] stream = ClientFrame.Concat(
            ClientFrame.Binary(new byte[10], fin: false),
            ClientFrame.Header(ClientFrame.OpContinuation, declared));

        AssertError(stream, FrameError.MessageTooBig, 1009, maxMessageSize: 1000);
    }

    [Test]
    public void Decode_ContinuationDeclaringHugeLengthFollowedByPayload_ErrorNotException()
    {
        byte[] stream = ClientFrame.Concat(
            ClientFrame.Binary(new byte[10], fin: false),
            ClientFrame.Header(ClientFrame.OpContinuation, 0x7fff_ffff_ffff_ffffUL),
            new byte[5000]);
        using var decoder = new FrameDecoder(1000);

        DecodeResult? result = null;
        Assert.That(() => result = DecodeOnce(decoder, stream), Throws.Nothing);
        Assert.That(result!.Status, Is.EqualTo(DecodeStatus.Error));
        Assert.That(result.Error, Is.EqualTo(FrameError.MessageTooBig));
    }

    [TestCase(1UL << 63)]
    [TestCase(ulong.MaxValue)]
    public void Decode_HeaderWithLengthMostSignificantBitSet_ReturnsInvalidLengthWith1002(ulong declared)
    {
        AssertError(ClientFrame.Header(ClientFrame.OpBinary, declared), FrameError.InvalidLength, 1002);
    }

    [Test]
    public void Decode_AfterError_KeepsReturningErrorAndConsumesNothing()
    {
        using var decoder = new FrameDecoder(DefaultMax);
        Assert.That(DecodeOnce(decoder, ClientFrame.Text("x", masked: false)).Status, Is.EqualTo(DecodeStatus.Error));

        for (int i = 0; i < 3; i++)
        {
            var status = decoder.Decode(ClientFrame.Text("valid"), out int consumed, out _);

            Assert.That(status, Is.EqualTo(DecodeStatus.Error));
            Assert.That(consumed, Is.Zero);
        }

        Assert.That(decoder.Decode(Memory<byte>.Empty, out _, out _), Is.EqualTo(DecodeStatus.Error));
    }

    [TestCase(FrameError.UnmaskedFrame, "unmasked_frame", 1002)]
    [TestCase(FrameError.InvalidUtf8, "invalid_utf8", 1007)]
    [TestCase(FrameError.InvalidCloseReason, "invalid_close_reason", 1007)]
    [TestCase(FrameError.MessageTooBig, "message_too_big", 1009)]
    [TestCase(FrameError.InvalidLength, "invalid_length", 1002)]
    public void FrameError_MapsToStableCodeAndCloseCode(FrameError error, string code, int closeCode)
    {
        Assert.That(error.Code(), Is.EqualTo(code));
        Assert.That((int)error.CloseCode(), Is.EqualTo(closeCode));
    }

    // Feeds the stream whole and byte by byte: both must end in the same single Error, after
    // expectedBefore good results.
    private static void AssertError(byte[] stream, FrameError error, int closeCode, int expectedBefore = 0, long maxMessageSize = DefaultMax)
    {
        foreach (int chunk in new[] { int.MaxValue, 1 })
        {
            using var decoder = new FrameDecoder(maxMessageSize);

            var results = DecodeAll(decoder, stream, chunk);

            string at = chunk == 1 ? "fed byte by byte" : "fed whole";
            Assert.That(results, Has.Count.EqualTo(expectedBefore + 1), at);
            var last = results.Last();
            Assert.That(last.Status, Is.EqualTo(DecodeStatus.Error), at);
            Assert.That(last.Error, Is.EqualTo(error), at);
            Assert.That((int)last.CloseCode, Is.EqualTo(closeCode), at);
            Assert.That(results.Take(expectedBefore).Select(r => r.Status), Has.None.EqualTo(DecodeStatus.Error), at);
        }
    }
}
