using System.Buffers.Binary;
using System.Text;
using EmbedWs.Protocol;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Protocol;

[TestFixture]
internal class MaskingTests
{
    // The §5.7 key 37 fa 21 3d as the decoder holds it: wire bytes read little-endian.
    private const uint RfcKey = 0x3d21fa37;

    [Test]
    public void Apply_Rfc5_7MaskedHello_UnmasksToHello()
    {
        byte[] frame = Convert.FromHexString("818537fa213d7f9f4d5158");
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(2)), Is.EqualTo(RfcKey));

        Masking.Apply(frame.AsSpan(6), RfcKey, 0);

        Assert.That(Encoding.ASCII.GetString(frame, 6, 5), Is.EqualTo("Hello"));
    }

    [Test]
    public void Apply_Twice_RestoresData()
    {
        byte[] original = RandomBytes(1000, seed: 1);
        byte[] data = (byte[])original.Clone();

        Masking.Apply(data, RfcKey, 0);
        Assert.That(data, Is.Not.EqualTo(original));
        Masking.Apply(data, RfcKey, 0);

        Assert.That(data, Is.EqualTo(original));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(7)]
    [TestCase(1000)]
    public void Apply_ZeroKey_LeavesDataUnchanged(int length)
    {
        byte[] original = RandomBytes(length, seed: length);
        byte[] data = (byte[])original.Clone();

        Masking.Apply(data, 0, 3);

        Assert.That(data, Is.EqualTo(original));
    }

    [Test]
    public void Apply_EmptySpan_DoesNothing()
    {
        Assert.That(() => Masking.Apply(Span<byte>.Empty, RfcKey, 2), Throws.Nothing);
    }

    [Test]
    public void Apply_SameKeyAsClientFrameBuilder_Unmasks()
    {
        byte[] payload = RandomBytes(300, seed: 2);
        byte[] frame = ClientFrame.Binary(payload);

        // 300 bytes: 2 header bytes, a 16-bit length, then the key.
        uint key = BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(4, 4));
        Masking.Apply(frame.AsSpan(8), key, 0);

        Assert.That(frame.AsSpan(8).ToArray(), Is.EqualTo(payload));
    }

    [TestCase(1)]
    [TestCase(125)]
    [TestCase(1031)]
    [TestCase(65536)]
    public void Apply_TwoPiecesSplitAtEveryPosition_EqualsWhole(int length)
    {
        byte[] original = RandomBytes(length, seed: length);
        byte[] expected = (byte[])original.Clone();
        Masking.Apply(expected, RfcKey, 0);
        byte[] work = new byte[length];

        for (int split = 0; split <= length; split++)
        {
            original.CopyTo(work, 0);
            Masking.Apply(work.AsSpan(0, split), RfcKey, 0);
            Masking.Apply(work.AsSpan(split), RfcKey, split);

            if (!work.AsSpan().SequenceEqual(expected))
            {
                Assert.Fail($"length {length}, split at {split}: differs from masking whole");
            }
        }
    }

    [Test]
    public void Apply_ManyRandomPieces_EqualsWhole()
    {
        var random = new Random(6455);
        for (int round = 0; round < 200; round++)
        {
            byte[] original = RandomBytes(random.Next(0, 5000), seed: round);
            uint key = (uint)random.Next() | 1;
            byte[] expected = (byte[])original.Clone();
            Masking.Apply(expected, key, 0);

            byte[] data = (byte[])original.Clone();
            int pos = 0;
            while (pos < data.Length)
            {
                int n = Math.Min(random.Next(1, 200), data.Length - pos);
                Masking.Apply(data.AsSpan(pos, n), key, pos);
                pos += n;
            }

            Assert.That(data, Is.EqualTo(expected), $"round {round}, length {original.Length}");
        }
    }

    [TestCase(4L)]
    [TestCase(5L)]
    [TestCase(0x1_0000_0001L)]
    [TestCase(long.MaxValue)]
    public void Apply_LargeOffset_UsesOffsetModulo4(long offset)
    {
        byte[] original = RandomBytes(77, seed: 3);
        byte[] expected = (byte[])original.Clone();
        Reference(expected, RfcKey, offset);
        byte[] data = (byte[])original.Clone();

        Masking.Apply(data, RfcKey, offset);

        Assert.That(data, Is.EqualTo(expected));
    }

    [Test]
    public void Apply_RandomDataOfManyLengthsKeysOffsetsAndAlignments_MatchesNaiveReference()
    {
        var random = new Random(17);
        int[] extraLengths = { 511, 512, 513, 1023, 1024, 1025, 4095, 4096, 4097, 65535, 65537 };
        for (int i = 0; i < 300 + extraLengths.Length; i++)
        {
            int length = i < 300 ? i : extraLengths[i - 300];
            int start = random.Next(0, 8);
            byte[] buffer = RandomBytes(start + length + 8, seed: i);
            uint key = (uint)random.NextInt64(1, uint.MaxValue + 1L);
            long offset = random.Next(0, 1000);
            byte[] expected = (byte[])buffer.Clone();
            Reference(expected.AsSpan(start, length), key, offset);

            Masking.Apply(buffer.AsSpan(start, length), key, offset);

            if (!buffer.AsSpan().SequenceEqual(expected))
            {
                Assert.Fail($"length {length}, start {start}, key {key:x8}, offset {offset}: differs from reference (or touched bytes outside the span)");
            }
        }
    }

    // RFC 6455 §5.3: octet i is XORed with mask octet (i MOD 4); the first wire octet is the key's low byte.
    private static void Reference(Span<byte> data, uint key, long offset)
    {
        for (int i = 0; i < data.Length; i++)
        {
            data[i] ^= (byte)(key >> (int)(((offset + i) & 3) * 8));
        }
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
