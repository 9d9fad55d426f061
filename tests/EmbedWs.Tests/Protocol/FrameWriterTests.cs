using System.Linq;
using System.Text;
using EmbedWs.Protocol;

namespace EmbedWs.Tests.Protocol;

[TestFixture]
internal class FrameWriterTests
{
    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    [TestCase(0L, 2)]
    [TestCase(1L, 2)]
    [TestCase(125L, 2)]
    [TestCase(126L, 4)]
    [TestCase(65535L, 4)]
    [TestCase(65536L, 10)]
    [TestCase(long.MaxValue, 10)]
    public void HeaderSize_PayloadLength_IsMinimalServerHeader(long length, int size)
    {
        Assert.That(FrameWriter.HeaderSize(length), Is.EqualTo(size));
    }

    [TestCase(WsOpcode.Text, true, 0L, "8100")]
    [TestCase(WsOpcode.Text, true, 125L, "817d")]
    [TestCase(WsOpcode.Binary, true, 126L, "827e007e")]
    [TestCase(WsOpcode.Binary, true, 256L, "827e0100")]
    [TestCase(WsOpcode.Binary, true, 65535L, "827effff")]
    [TestCase(WsOpcode.Binary, true, 65536L, "827f0000000000010000")]
    [TestCase(WsOpcode.Binary, true, 4294967296L, "827f0000000100000000")]
    [TestCase(WsOpcode.Text, false, 5L, "0105")]
    [TestCase(WsOpcode.Continuation, true, 3L, "8003")]
    [TestCase(WsOpcode.Continuation, false, 3L, "0003")]
    [TestCase(WsOpcode.Close, true, 2L, "8802")]
    [TestCase(WsOpcode.Ping, true, 5L, "8905")]
    [TestCase(WsOpcode.Pong, true, 5L, "8a05")]
    public void WriteHeader_Frame_WritesExactBytes(WsOpcode opcode, bool fin, long length, string hex)
    {
        var buffer = new byte[WsConstants.MaxServerHeaderSize];

        int written = FrameWriter.WriteHeader(buffer, opcode, fin, length);

        Assert.That(Convert.ToHexString(buffer, 0, written).ToLowerInvariant(), Is.EqualTo(hex));
        Assert.That(written, Is.EqualTo(FrameWriter.HeaderSize(length)));
    }

    [Test]
    public void WriteHeader_AnyLength_NeverSetsMaskBitAndReadsBack()
    {
        long[] lengths = { 0, 1, 125, 126, 127, 65535, 65536, int.MaxValue, long.MaxValue };
        foreach (var opcode in new[] { WsOpcode.Text, WsOpcode.Binary, WsOpcode.Continuation, WsOpcode.Close, WsOpcode.Ping, WsOpcode.Pong })
        {
            foreach (long length in lengths)
            {
                var buffer = new byte[WsConstants.MaxServerHeaderSize];
                int written = FrameWriter.WriteHeader(buffer, opcode, fin: true, length);

                Assert.That(buffer[1] & 0x80, Is.Zero, $"{opcode} {length}: mask bit");
                Assert.That(buffer[0] & 0x70, Is.Zero, $"{opcode} {length}: RSV bits");
                var status = FrameHeaderReader.TryRead(buffer.AsSpan(0, written), out var header, out int read, out _);
                Assert.That(status, Is.EqualTo(HeaderStatus.Complete));
                Assert.That(read, Is.EqualTo(written));
                Assert.That(header.Masked, Is.False);
                Assert.That(header.Opcode, Is.EqualTo(opcode));
                Assert.That(header.PayloadLength, Is.EqualTo(length));
            }
        }
    }

    [TestCase(WsOpcode.Text, "810548656c6c6f")]
    [TestCase(WsOpcode.Ping, "890548656c6c6f")]
    public void WriteFrame_Rfc5_7UnmaskedHello_MatchesRfcBytes(WsOpcode opcode, string hex)
    {
        var buffer = new byte[16];

        int written = FrameWriter.WriteFrame(buffer, opcode, "Hello"u8);

        Assert.That(Convert.ToHexString(buffer, 0, written).ToLowerInvariant(), Is.EqualTo(hex));
    }

    [TestCase(256, "827e0100")]
    [TestCase(65536, "827f0000000000010000")]
    public void WriteFrame_Rfc5_7BinaryLengths_HeaderThenPayload(int length, string headerHex)
    {
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        var buffer = new byte[length + WsConstants.MaxServerHeaderSize];

        int written = FrameWriter.WriteFrame(buffer, WsOpcode.Binary, payload);

        int h = headerHex.Length / 2;
        Assert.That(written, Is.EqualTo(h + length));
        Assert.That(Convert.ToHexString(buffer, 0, h).ToLowerInvariant(), Is.EqualTo(headerHex));
        Assert.That(buffer.AsSpan(h, length).SequenceEqual(payload), Is.True);
    }

    [TestCase(null, "03e8")]
    [TestCase("", "03e8")]
    [TestCase("bye", "03e8627965")]
    public void WriteClosePayload_CodeAndShortReason_WritesExactBytes(string? reason, string hex)
    {
        var buffer = new byte[WsConstants.MaxControlPayload];

        int written = FrameWriter.WriteClosePayload(buffer, 1000, reason);

        Assert.That(Convert.ToHexString(buffer, 0, written).ToLowerInvariant(), Is.EqualTo(hex));
    }

    [TestCase((ushort)1001, "03e9")]
    [TestCase((ushort)1009, "03f1")]
    [TestCase((ushort)4999, "1387")]
    public void WriteClosePayload_Code_IsBigEndian(ushort code, string hex)
    {
        var buffer = new byte[WsConstants.MaxControlPayload];

        int written = FrameWriter.WriteClosePayload(buffer, code, null);

        Assert.That(Convert.ToHexString(buffer, 0, written).ToLowerInvariant(), Is.EqualTo(hex));
    }

    [Test]
    public void WriteClosePayload_ReasonOf123AsciiBytes_FitsExactly()
    {
        string reason = new('r', 123);

        Assert.That(WriteClose(reason), Is.EqualTo(Encoding.UTF8.GetBytes(reason)));
    }

    [Test]
    public void WriteClosePayload_LongAsciiReason_CutAt123Bytes()
    {
        byte[] written = WriteClose(new string('r', 500));

        Assert.That(written, Is.EqualTo(Encoding.UTF8.GetBytes(new string('r', 123))));
    }

    // Each case puts a multi-byte character across the 123-byte boundary.
    [TestCase(122, "\u00e9", 122)]        // 2-byte char would end at 124
    [TestCase(121, "\u00e9", 123)]        // 2-byte char ends exactly at 123
    [TestCase(121, "\u20ac", 121)]        // 3-byte char would end at 124
    [TestCase(120, "\u20ac", 123)]        // 3-byte char ends exactly at 123
    [TestCase(120, "\U0001F600", 120)]    // 4-byte pair would end at 124
    [TestCase(119, "\U0001F600", 123)]    // 4-byte pair ends exactly at 123
    [TestCase(122, "\U0001F600", 122)]    // only 1 byte left: pair not split
    public void WriteClosePayload_MultiByteCharAtLimit_NotSplit(int asciiPrefix, string character, int expectedReasonBytes)
    {
        string reason = new string('a', asciiPrefix) + character + "tail";

        byte[] written = WriteClose(reason);

        Assert.That(written, Has.Length.EqualTo(expectedReasonBytes));
        Assert.That(() => s_strictUtf8.GetString(written), Throws.Nothing);
        Assert.That(Encoding.UTF8.GetBytes(reason).Take(written.Length), Is.EqualTo(written));
    }

    [TestCase("\u20ac", 41)]
    [TestCase("\U0001F600", 30)]
    [TestCase("\u00e9", 61)]
    public void WriteClosePayload_RepeatedMultiByteChars_KeepsWholeCharsOnly(string character, int expectedChars)
    {
        string reason = string.Concat(Enumerable.Repeat(character, 100));

        byte[] written = WriteClose(reason);

        Assert.That(s_strictUtf8.GetString(written), Is.EqualTo(string.Concat(Enumerable.Repeat(character, expectedChars))));
    }

    // The reason bytes of a close payload for code 1000, checked to stay within the control limit.
    private static byte[] WriteClose(string reason)
    {
        var buffer = new byte[WsConstants.MaxControlPayload];
        int written = FrameWriter.WriteClosePayload(buffer, 1000, reason);
        Assert.That(written, Is.LessThanOrEqualTo(WsConstants.MaxControlPayload));
        Assert.That(buffer[0] << 8 | buffer[1], Is.EqualTo(1000));
        return buffer.AsSpan(2, written - 2).ToArray();
    }
}
