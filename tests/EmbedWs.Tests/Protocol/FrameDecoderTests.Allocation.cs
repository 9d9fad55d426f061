using System.Buffers;
using System.Collections.Concurrent;
using System.Linq;
using EmbedWs.Protocol;
using EmbedWs.Tests.TestSupport;
using static EmbedWs.Tests.TestSupport.DecoderFeed;

namespace EmbedWs.Tests.Protocol;

// The message size limit is checked from each header before any buffer is taken: a header
// declaring an enormous length (alone, or as a continuation that pushes the total over the
// limit) never makes the decoder rent more than the limit.
internal partial class FrameDecoderTests
{
    private const int SmallLimit = 1000;

    [TestCase(1UL << 62)]
    [TestCase(0x7fff_ffff_ffff_ffffUL)]
    [TestCase((ulong)int.MaxValue)]
    [TestCase(SmallLimit + 1UL)]
    public void Decode_FirstFrameDeclaringOverLimit_RentsNothing(ulong declared)
    {
        var pool = new RecordingPool();
        using var decoder = new FrameDecoder(SmallLimit, pool);

        var results = DecodeAll(decoder, ClientFrame.Concat(ClientFrame.Header(ClientFrame.OpBinary, declared, fin: false), new byte[64]));

        Assert.That(results.Single().Error, Is.EqualTo(FrameError.MessageTooBig));
        Assert.That(pool.Requested, Is.Empty, "a buffer was rented before the limit was checked");
    }

    [TestCase(1UL << 62)]
    [TestCase(SmallLimit - 600 + 1UL)]
    public void Decode_ContinuationPushingTotalOverLimit_NeverRentsMoreThanTheLimit(ulong declared)
    {
        byte[] stream = ClientFrame.Concat(
            ClientFrame.Binary(new byte[600], fin: false),
            ClientFrame.Header(ClientFrame.OpContinuation, declared),
            new byte[SmallLimit]);

        // Whole, and in small reads (the first fragment then arrives in pieces).
        foreach (int chunk in new[] { int.MaxValue, 7 })
        {
            var pool = new RecordingPool();
            using var decoder = new FrameDecoder(SmallLimit, pool);

            var results = DecodeAll(decoder, stream, chunk);

            Assert.That(results.Single().Error, Is.EqualTo(FrameError.MessageTooBig));
            Assert.That(pool.Requested, Has.All.LessThanOrEqualTo(SmallLimit), "rented past the limit");
        }
    }

    [Test]
    public void Decode_ManyFragmentsUpToExactlyTheLimit_RentsAtMostTheLimit()
    {
        var pool = new RecordingPool();
        using var decoder = new FrameDecoder(SmallLimit, pool);
        var frames = Enumerable.Range(0, 10).Select(i => i == 0
            ? ClientFrame.Binary(new byte[100], fin: false)
            : ClientFrame.Continuation(new byte[100], fin: i == 9)).ToArray();

        var results = DecodeAll(decoder, ClientFrame.Concat(frames), chunkSize: 33);

        Assert.That(results.Single().Status, Is.EqualTo(DecodeStatus.Message));
        Assert.That(results.Single().Payload, Has.Length.EqualTo(SmallLimit));
        Assert.That(pool.Requested, Has.All.LessThanOrEqualTo(SmallLimit));
    }

    // Records the size of every request; hands out exact-size arrays.
    private sealed class RecordingPool : ArrayPool<byte>
    {
        private readonly ConcurrentQueue<int> _requested = new();

        public int[] Requested => _requested.ToArray();

        public override byte[] Rent(int minimumLength)
        {
            _requested.Enqueue(minimumLength);
            return new byte[minimumLength];
        }

        public override void Return(byte[] array, bool clearArray = false)
        {
        }
    }
}
