using System.Collections.Generic;
using System.Text;
using EmbedWs.Protocol;

namespace EmbedWs.Tests.Protocol;

[TestFixture]
internal class Utf8ValidatorTests
{
    private static readonly UTF8Encoding s_strict = new(false, true);

    private static readonly string[] s_valid =
    {
        "",
        "41",
        "48656c6c6f",                 // Hello
        "c2a2",                       // U+00A2, 2 bytes
        "c280",                       // U+0080, smallest 2-byte
        "dfbf",                       // U+07FF, largest 2-byte
        "e0a080",                     // U+0800, smallest 3-byte
        "e282ac",                     // U+20AC euro sign
        "ed9fbf",                     // U+D7FF, just below the surrogates
        "ee8080",                     // U+E000, just above the surrogates
        "efbfbf",                     // U+FFFF
        "f0908080",                   // U+10000, smallest 4-byte
        "f09f9880",                   // U+1F600
        "f48fbfbf",                   // U+10FFFF, the largest code point
        "cebae1bdb9cf83cebcceb5",     // κόσμε
        "41c2a2e282acf09f988042",     // mixed widths
    };

    private static readonly string[] s_invalid =
    {
        "c080", "c1bf",               // overlong 2-byte
        "e08080", "e09fbf",           // overlong 3-byte
        "f0808080", "f08fbfbf",       // overlong 4-byte
        "eda080", "edbfbf",           // surrogates U+D800, U+DFFF
        "f4908080", "f7bfbfbf",       // above U+10FFFF
        "f5808080", "f8", "fc", "fe", "ff",
        "80", "bf", "4180",           // lone continuation bytes
        "c241", "e28241", "f09f41",   // lead byte followed by ASCII
        "e282acac",                   // one continuation too many
    };

    private static readonly string[] s_truncated = { "c2", "e2", "e282", "f0", "f09f", "f09f98", "41c2", "e282ac" + "f4" };

    private static IEnumerable<string> ValidCases() => s_valid;

    private static IEnumerable<string> InvalidCases() => s_invalid;

    private static IEnumerable<string> TruncatedCases() => s_truncated;

    [TestCaseSource(nameof(ValidCases))]
    public void IsValid_WellFormedUtf8_ReturnsTrue(string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);

        Assert.That(Utf8Validator.IsValid(bytes), Is.True);
        var validator = default(Utf8Validator);
        Assert.That(validator.Feed(bytes), Is.True);
        Assert.That(validator.IsComplete, Is.True);
    }

    [TestCaseSource(nameof(InvalidCases))]
    public void Feed_IllFormedUtf8_ReturnsFalse(string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);

        var validator = default(Utf8Validator);
        Assert.That(validator.Feed(bytes), Is.False);
        Assert.That(Utf8Validator.IsValid(bytes), Is.False);
    }

    [TestCaseSource(nameof(TruncatedCases))]
    public void Feed_TruncatedAtEnd_AcceptsButIsNotComplete(string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);

        var validator = default(Utf8Validator);
        Assert.That(validator.Feed(bytes), Is.True);
        Assert.That(validator.IsComplete, Is.False);
        Assert.That(Utf8Validator.IsValid(bytes), Is.False);
    }

    [Test]
    public void Reset_AfterTruncatedInput_StartsFresh()
    {
        var validator = default(Utf8Validator);
        validator.Feed(Convert.FromHexString("e282"));

        validator.Reset();

        Assert.That(validator.IsComplete, Is.True);
        Assert.That(validator.Feed("ok"u8), Is.True);
        Assert.That(validator.IsComplete, Is.True);
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(7)]
    [TestCase(8)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(33)]
    [TestCase(100)]
    public void IsValid_LongAsciiRunThenCharacter_JudgesTheCharacter(int asciiCount)
    {
        foreach (string hex in new[] { "c080", "e282ac", "eda080", "f48fbfbf", "80", "f09f98" })
        {
            byte[] bytes = new byte[asciiCount + hex.Length / 2 + asciiCount];
            bytes.AsSpan().Fill((byte)'a');
            Convert.FromHexString(hex).CopyTo(bytes, asciiCount);

            Assert.That(Utf8Validator.IsValid(bytes), Is.EqualTo(StrictlyValid(bytes)), $"{asciiCount} ASCII, {hex}, {asciiCount} ASCII");
        }
    }

    [Test]
    public void Feed_EveryTestVectorSplitAtEveryPosition_SameAnswerAsWhole()
    {
        foreach (string hex in AllCases())
        {
            byte[] bytes = Convert.FromHexString(hex);
            bool whole = Utf8Validator.IsValid(bytes);
            for (int split = 0; split <= bytes.Length; split++)
            {
                Assert.That(FeedInPieces(bytes, split), Is.EqualTo(whole), $"{hex} split at {split}");
            }

            Assert.That(FeedByteByByte(bytes), Is.EqualTo(whole), $"{hex} byte by byte");
        }
    }

    [Test]
    public void Feed_MultiByteTextSplitAtEveryPosition_IsValid()
    {
        byte[] text = Encoding.UTF8.GetBytes("Grüße, κόσμε, 日本語, 😀🎉 and \U0010FFFF.");
        for (int split = 0; split <= text.Length; split++)
        {
            Assert.That(FeedInPieces(text, split), Is.True, $"split at {split}");
        }

        Assert.That(FeedByteByByte(text), Is.True);
    }

    [Test]
    public void IsValid_RandomBytes_AgreesWithRuntimeStrictDecoder()
    {
        var random = new Random(6455);
        for (int round = 0; round < 20000; round++)
        {
            byte[] bytes = RandomCandidate(random);
            bool expected = StrictlyValid(bytes);

            Assert.That(Utf8Validator.IsValid(bytes), Is.EqualTo(expected), Convert.ToHexString(bytes));
            int split = random.Next(0, bytes.Length + 1);
            Assert.That(FeedInPieces(bytes, split), Is.EqualTo(expected), $"{Convert.ToHexString(bytes)} split at {split}");
        }
    }

    private static IEnumerable<string> AllCases()
    {
        foreach (var set in new[] { s_valid, s_invalid, s_truncated })
        {
            foreach (string hex in set)
            {
                yield return hex;
            }
        }
    }

    private static bool FeedInPieces(byte[] bytes, int split)
    {
        var validator = default(Utf8Validator);
        return validator.Feed(bytes.AsSpan(0, split)) && validator.Feed(bytes.AsSpan(split)) && validator.IsComplete;
    }

    private static bool FeedByteByByte(byte[] bytes)
    {
        var validator = default(Utf8Validator);
        for (int i = 0; i < bytes.Length; i++)
        {
            if (!validator.Feed(bytes.AsSpan(i, 1)))
            {
                return false;
            }
        }

        return validator.IsComplete;
    }

    private static bool StrictlyValid(byte[] bytes)
    {
        try
        {
            s_strict.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    // Mostly near-valid text: random code points (surrogates and out-of-range values encoded by
    // hand), ASCII runs, and occasionally a byte flipped, dropped or made random.
    private static byte[] RandomCandidate(Random random)
    {
        var bytes = new List<byte>();
        int items = random.Next(0, 12);
        for (int i = 0; i < items; i++)
        {
            switch (random.Next(4))
            {
                case 0:
                    bytes.AddRange(Encoding.ASCII.GetBytes(new string('x', random.Next(1, 20))));
                    break;
                case 1:
                    bytes.Add((byte)random.Next(256));
                    break;
                default:
                    EncodeLoosely(bytes, random.Next(0, 0x140000));
                    break;
            }
        }

        if (bytes.Count > 0 && random.Next(3) == 0)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(3))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes.RemoveAt(at); break;
                default: bytes[at] = (byte)random.Next(256); break;
            }
        }

        return bytes.ToArray();
    }

    // The UTF-8 bit pattern for any value up to 0x1FFFFF, surrogates included, sometimes overlong.
    private static void EncodeLoosely(List<byte> bytes, int cp)
    {
        int width = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (width < 4 && cp % 7 == 0)
        {
            width++;
        }

        if (width == 1)
        {
            bytes.Add((byte)cp);
            return;
        }

        byte[] lead = { 0, 0, 0xC0, 0xE0, 0xF0 };
        bytes.Add((byte)(lead[width] | (cp >> (6 * (width - 1)))));
        for (int k = width - 2; k >= 0; k--)
        {
            bytes.Add((byte)(0x80 | ((cp >> (6 * k)) & 0x3F)));
        }
    }
}
