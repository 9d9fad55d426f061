using System.Buffers.Binary;
using EmbedWs.Protocol;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Protocol;

[TestFixture]
internal class FrameHeaderReaderTests
{
    [TestCase("8100", 0L, 2)]
    [TestCase("8105", 5L, 2)]
    [TestCase("817d", 125L, 2)]
    [TestCase("817e007e", 126L, 4)]
    [TestCase("817e0100", 256L, 4)]
    [TestCase("817effff", 65535L, 4)]
    [TestCase("817f0000000000010000", 65536L, 10)]
    [TestCase("817f00000000ffffffff", 4294967295L, 10)]
    [TestCase("817f7fffffffffffffff", long.MaxValue, 10)]
    public void TryRead_UnmaskedLengthForms_ReadsLengthAndHeaderSize(string hex, long length, int headerLength)
    {
        var status = FrameHeaderReader.TryRead(Convert.FromHexString(hex), out var header, out int read, out var error);

        Assert.That(status, Is.EqualTo(HeaderStatus.Complete));
        Assert.That(error, Is.EqualTo(FrameError.None));
        Assert.That(header.PayloadLength, Is.EqualTo(length));
        Assert.That(read, Is.EqualTo(headerLength));
        Assert.That(header.Masked, Is.False);
        Assert.That(header.MaskKey, Is.Zero);
    }

    [TestCase("818537fa213d", 5L, 6)]
    [TestCase("81fe007e37fa213d", 126L, 8)]
    [TestCase("81feffff37fa213d", 65535L, 8)]
    [TestCase("81ff000000000001000037fa213d", 65536L, 14)]
    public void TryRead_MaskedLengthForms_ReadsLengthHeaderSizeAndKey(string hex, long length, int headerLength)
    {
        byte[] bytes = Convert.FromHexString(hex);

        var status = FrameHeaderReader.TryRead(bytes, out var header, out int read, out _);

        Assert.That(status, Is.EqualTo(HeaderStatus.Complete));
        Assert.That(header.PayloadLength, Is.EqualTo(length));
        Assert.That(read, Is.EqualTo(headerLength));
        Assert.That(header.Masked, Is.True);
        // The key's wire bytes 37 fa 21 3d, read little-endian so the first wire byte is the low byte.
        Assert.That(header.MaskKey, Is.EqualTo(0x3d21fa37u));
        Assert.That(header.MaskKey, Is.EqualTo(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(read - 4))));
    }

    [TestCase("8100", true, (byte)0, WsOpcode.Text)]
    [TestCase("0100", false, (byte)0, WsOpcode.Text)]
    [TestCase("0200", false, (byte)0, WsOpcode.Binary)]
    [TestCase("8000", true, (byte)0, WsOpcode.Continuation)]
    [TestCase("8800", true, (byte)0, WsOpcode.Close)]
    [TestCase("8900", true, (byte)0, WsOpcode.Ping)]
    [TestCase("8a00", true, (byte)0, WsOpcode.Pong)]
    [TestCase("c100", true, (byte)0b100, WsOpcode.Text)]
    [TestCase("a100", true, (byte)0b010, WsOpcode.Text)]
    [TestCase("9100", true, (byte)0b001, WsOpcode.Text)]
    [TestCase("7100", false, (byte)0b111, WsOpcode.Text)]
    public void TryRead_FirstByte_SplitsFinRsvOpcode(string hex, bool fin, byte rsv, WsOpcode opcode)
    {
        FrameHeaderReader.TryRead(Convert.FromHexString(hex), out var header, out _, out _);

        Assert.That(header.Fin, Is.EqualTo(fin));
        Assert.That(header.Rsv, Is.EqualTo(rsv));
        Assert.That(header.Opcode, Is.EqualTo(opcode));
    }

    [TestCase((byte)0x3)]
    [TestCase((byte)0x7)]
    [TestCase((byte)0xB)]
    [TestCase((byte)0xF)]
    public void TryRead_ReservedOpcode_IsReadAsIsForTheDecoderToReject(byte opcode)
    {
        var status = FrameHeaderReader.TryRead(ClientFrame.Header(opcode, 0), out var header, out _, out _);

        Assert.That(status, Is.EqualTo(HeaderStatus.Complete));
        Assert.That((byte)header.Opcode, Is.EqualTo(opcode));
    }

    [TestCase("8105")]
    [TestCase("818537fa213d")]
    [TestCase("817e007e")]
    [TestCase("81fe007e37fa213d")]
    [TestCase("817f0000000000010000")]
    [TestCase("81ff000000000001000037fa213d")]
    public void TryRead_EveryStrictPrefix_IsIncompleteAndReadsNothing(string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);
        for (int n = 0; n < bytes.Length; n++)
        {
            var status = FrameHeaderReader.TryRead(bytes.AsSpan(0, n), out var header, out int read, out var error);

            Assert.That(status, Is.EqualTo(HeaderStatus.Incomplete), $"prefix of {n} bytes");
            Assert.That(read, Is.Zero);
            Assert.That(error, Is.EqualTo(FrameError.None));
            Assert.That(header.PayloadLength, Is.Zero);
        }
    }

    [Test]
    public void TryRead_PayloadBytesAfterHeader_AreNotCounted()
    {
        byte[] frame = Convert.FromHexString("818537fa213d7f9f4d5158");

        var status = FrameHeaderReader.TryRead(frame, out var header, out int read, out _);

        Assert.That(status, Is.EqualTo(HeaderStatus.Complete));
        Assert.That(read, Is.EqualTo(6));
        Assert.That(header.PayloadLength, Is.EqualTo(5));
    }

    [TestCase("827f8000000000000000")]
    [TestCase("827fffffffffffffffff")]
    [TestCase("827f8000000000000001")]
    [TestCase("82ff800000000000000037fa213d")]
    public void TryRead_64BitLengthWithMostSignificantBitSet_IsInvalidLength(string hex)
    {
        var status = FrameHeaderReader.TryRead(Convert.FromHexString(hex), out _, out _, out var error);

        Assert.That(status, Is.EqualTo(HeaderStatus.Invalid));
        Assert.That(error, Is.EqualTo(FrameError.InvalidLength));
    }

    [Test]
    public void TryRead_ClientFrameHeaderDeclaring2Pow63_IsInvalidLength()
    {
        byte[] header = ClientFrame.Header(ClientFrame.OpBinary, 1UL << 63);

        var status = FrameHeaderReader.TryRead(header, out _, out _, out var error);

        Assert.That(status, Is.EqualTo(HeaderStatus.Invalid));
        Assert.That(error, Is.EqualTo(FrameError.InvalidLength));
    }

    [TestCase(0UL)]
    [TestCase(125UL)]
    [TestCase(65535UL)]
    public void TryRead_NonMinimalLengthEncoding_ReadsTheValue(ulong length)
    {
        byte[] header = ClientFrame.Header(ClientFrame.OpBinary, length, lengthForm: ClientFrame.LengthForm.Extended64);

        var status = FrameHeaderReader.TryRead(header, out var read, out int headerLength, out _);

        Assert.That(status, Is.EqualTo(HeaderStatus.Complete));
        Assert.That(read.PayloadLength, Is.EqualTo((long)length));
        Assert.That(headerLength, Is.EqualTo(14));
    }

    [TestCase(0x00000001u)]
    [TestCase(0x80000000u)]
    [TestCase(0xdeadbeefu)]
    [TestCase(0xffffffffu)]
    public void TryRead_MaskKey_IsWireBytesLittleEndian(uint wireKey)
    {
        byte[] header = ClientFrame.Header(ClientFrame.OpText, 3, maskKey: wireKey);

        FrameHeaderReader.TryRead(header, out var read, out _, out _);

        Assert.That(read.MaskKey, Is.EqualTo(BinaryPrimitives.ReverseEndianness(wireKey)));
    }
}
