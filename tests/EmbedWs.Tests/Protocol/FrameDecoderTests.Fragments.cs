using System.Collections.Generic;
using System.Linq;
using EmbedWs.Protocol;
using EmbedWs.Tests.TestSupport;
using static EmbedWs.Tests.TestSupport.DecoderFeed;

namespace EmbedWs.Tests.Protocol;

// MaxFragmentsPerMessage: a message in more data frames than the limit is refused from the
// header of the frame over the limit; control frames between fragments do not count.
internal partial class FrameDecoderTests
{
    [Test]
    public void Decode_MessageInExactlyMaxFragments_IsDelivered()
    {
        byte[] stream = Fragments(count: 4, "abcd");
        foreach (int chunk in new[] { int.MaxValue, 1 })
        {
            using var decoder = new FrameDecoder(DefaultMax) { MaxFragmentsPerMessage = 4 };

            var results = DecodeAll(decoder, stream, chunk);

            Assert.That(results.Select(r => r.Status), Is.EqualTo(new[] { DecodeStatus.Message }));
            Assert.That(results[0].Text, Is.EqualTo("abcd"));
        }
    }

    [Test]
    public void Decode_OneFragmentOverMax_ReturnsTooManyFragmentsWith1008()
    {
        AssertFragmentError(Fragments(count: 5, "abcde"), maxFragments: 4);
    }

    [Test]
    public void Decode_EndlessEmptyContinuations_RefusedAtTheFrameOverTheLimit()
    {
        // The attack the limit is for: a message kept open by empty frames never reaches
        // MaxMessageSize. The error comes at the 11th frame's header, 2 + 6 * 10 bytes in.
        var frames = new List<byte[]> { ClientFrame.Text("", fin: false) };
        for (int i = 0; i < 20; i++)
        {
            frames.Add(ClientFrame.Continuation(Array.Empty<byte>(), fin: false));
        }

        byte[] stream = ClientFrame.Concat(frames.ToArray());
        using var decoder = new FrameDecoder(DefaultMax) { MaxFragmentsPerMessage = 10 };

        var result = DecodeOnce(decoder, stream);

        Assert.That(result.Status, Is.EqualTo(DecodeStatus.Error));
        Assert.That(result.Error, Is.EqualTo(FrameError.TooManyFragments));
        Assert.That(result.Consumed, Is.EqualTo(6 * 10), "the error is found from the header, before its payload");
    }

    [Test]
    public void Decode_LimitOfOne_RefusesAnyContinuation()
    {
        AssertFragmentError(Fragments(count: 2, "ab"), maxFragments: 1);
    }

    [Test]
    public void Decode_PingsBetweenFragments_DoNotCount()
    {
        byte[] stream = ClientFrame.Concat(
            ClientFrame.Text("a", fin: false),
            ClientFrame.Ping("1"u8),
            ClientFrame.Ping("2"u8),
            ClientFrame.Ping("3"u8),
            ClientFrame.Continuation("b", fin: true));
        using var decoder = new FrameDecoder(DefaultMax) { MaxFragmentsPerMessage = 2 };

        var results = DecodeAll(decoder, stream);

        Assert.That(results.Select(r => r.Status), Is.EqualTo(new[] { DecodeStatus.Ping, DecodeStatus.Ping, DecodeStatus.Ping, DecodeStatus.Message }));
        Assert.That(results.Last().Text, Is.EqualTo("ab"));
    }

    [Test]
    public void Decode_CountStartsAgainWithEachMessage()
    {
        byte[] stream = ClientFrame.Concat(Fragments(count: 3, "abc"), Fragments(count: 3, "def"), ClientFrame.Text("g"));
        using var decoder = new FrameDecoder(DefaultMax) { MaxFragmentsPerMessage = 3 };

        var results = DecodeAll(decoder, stream);

        Assert.That(results.Select(r => r.Text), Is.EqualTo(new[] { "abc", "def", "g" }));
    }

    [Test]
    public void FrameError_TooManyFragments_MapsToPolicyViolation()
    {
        Assert.That(FrameError.TooManyFragments.Code(), Is.EqualTo("too_many_fragments"));
        Assert.That((int)FrameError.TooManyFragments.CloseCode(), Is.EqualTo(1008));
    }

    // A text message of one character per frame: count frames for count characters.
    private static byte[] Fragments(int count, string text)
    {
        Assert.That(text.Length, Is.EqualTo(count));
        var frames = new byte[count][];
        frames[0] = ClientFrame.Text(text.Substring(0, 1), fin: count == 1);
        for (int i = 1; i < count; i++)
        {
            frames[i] = ClientFrame.Continuation(text.Substring(i, 1), fin: i == count - 1);
        }

        return ClientFrame.Concat(frames);
    }

    private static void AssertFragmentError(byte[] stream, int maxFragments)
    {
        foreach (int chunk in new[] { int.MaxValue, 1 })
        {
            using var decoder = new FrameDecoder(DefaultMax) { MaxFragmentsPerMessage = maxFragments };

            var results = DecodeAll(decoder, stream, chunk);

            string at = chunk == 1 ? "fed byte by byte" : "fed whole";
            Assert.That(results, Has.Count.EqualTo(1), at);
            Assert.That(results[0].Status, Is.EqualTo(DecodeStatus.Error), at);
            Assert.That(results[0].Error, Is.EqualTo(FrameError.TooManyFragments), at);
            Assert.That((int)results[0].CloseCode, Is.EqualTo(1008), at);
        }
    }
}
