using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Transport;

/// <summary>
/// The send queue with the three delivery classes mixed, against a model of docs/sending.md: a
/// stream whose first write never completes stands for a client that stops reading, so every
/// frame after the first waits in the queue. Checked after every send: the queued bytes, exactly;
/// at the end: the frames written are the model's, in the model's order.
/// </summary>
public class OutboxDeliveryTests
{
    private const int Max = 16 * 1024;
    private const int Soft = 4 * 1024;

    // The share of latest-by-key sends in tenths: with few others, replaced bytes soon outweigh the
    // live ones and the queue compacts while it waits; with many, it fills to the hard limit.
    [TestCase(1, 4)]
    [TestCase(2, 4)]
    [TestCase(3, 4)]
    [TestCase(4, 4)]
    [TestCase(5, 9)]
    [TestCase(6, 9)]
    [TestCase(7, 9)]
    [TestCase(8, 9)]
    public async Task Write_MixedClasses_KeepsDocumentedOrderAndExactBytes(int seed, int latestTenths)
    {
        var random = new Random(seed);
        var stream = new GatedStream();
        var owner = new Owner();
        var outbox = new Outbox(stream, null, Max, owner, Soft);
        var model = new QueueModel();

        for (int i = 0; i < 3000; i++)
        {
            string payload = $"{i}:" + new string('x', random.Next(0, random.Next(10) == 0 ? 2000 : 300));
            int frameLength = FrameLength(payload);
            int pick = random.Next(10);
            int others = 10 - latestTenths;
            var delivery = pick >= others ? LatestKey(random.Next(6)) : pick < (others + 1) / 2 ? WsDelivery.Reliable : WsDelivery.Droppable;
            var expected = model.Send(payload, frameLength, delivery, Max, Soft);
            var result = outbox.Write(OutgoingFrame.Text(payload.AsSpan()), delivery);

            Assert.That(result, Is.EqualTo(expected), $"send {i} ({delivery}, {frameLength} bytes, {model.LiveBytes} queued)");
            Assert.That(outbox.QueuedBytes, Is.EqualTo(model.LiveBytes), $"queued bytes after send {i}");
            Assert.That(outbox.IsCongested, Is.EqualTo(model.LiveBytes > Soft));
        }

        Assert.That(outbox.MessagesDropped, Is.EqualTo(model.Dropped));
        Assert.That(outbox.MessagesReplaced, Is.EqualTo(model.Replaced));
        Assert.That(model.Replaced, Is.GreaterThan(0), "the run never replaced a frame");
        if (latestTenths < 9)
        {
            Assert.That(model.Dropped, Is.GreaterThan(0), "the run never reached the soft mark");
        }
        else
        {
            Assert.That(outbox.Compactions, Is.GreaterThan(0), "the queue never compacted while it waited");
        }

        stream.Open();
        Assert.That(await outbox.WhenDrainedAsync().WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(ReadTexts(stream.Written), Is.EqualTo(model.Sent), "frames on the wire, in order");
        Assert.That(outbox.QueuedBytes, Is.Zero);
        Assert.That(outbox.BytesSent, Is.EqualTo(stream.Written.Length));
    }

    // Half the keys are strings, half numbers; "k3" and 3L are different keys.
    private static WsDelivery LatestKey(int key) => key % 2 == 0 ? WsDelivery.Latest("k" + key) : WsDelivery.Latest((long)key);

    [Test]
    public async Task Write_NumericAndStringKeys_ReplaceOnlyTheirOwnKind()
    {
        var stream = new GatedStream();
        var outbox = new Outbox(stream, null, Max, new Owner(), Soft);
        outbox.Write(OutgoingFrame.Text("first".AsSpan()));

        // Latest(42) and Latest("42") are two keys: each replaces only its own waiting frame.
        Assert.That(outbox.Write(OutgoingFrame.Text("n1".AsSpan()), WsDelivery.Latest(42L)), Is.EqualTo(DeliveryResult.Queued));
        Assert.That(outbox.Write(OutgoingFrame.Text("s1".AsSpan()), WsDelivery.Latest("42")), Is.EqualTo(DeliveryResult.Queued));
        Assert.That(outbox.Write(OutgoingFrame.Text("n2".AsSpan()), WsDelivery.Latest(42L)), Is.EqualTo(DeliveryResult.Replaced));
        Assert.That(outbox.Write(OutgoingFrame.Text("m1".AsSpan()), WsDelivery.Latest(-42L)), Is.EqualTo(DeliveryResult.Queued));
        Assert.That(outbox.Write(OutgoingFrame.Text("s2".AsSpan()), WsDelivery.Latest("42")), Is.EqualTo(DeliveryResult.Replaced));

        stream.Open();
        await outbox.WhenDrainedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(ReadTexts(stream.Written), Is.EqualTo(new[] { "first", "n2", "m1", "s2" }));
        Assert.That(outbox.MessagesReplaced, Is.EqualTo(2));
    }

    [Test]
    public void Write_NumericKeyReplacingWaitingFrame_AllocatesNothing()
    {
        var stream = new GatedStream();
        var outbox = new Outbox(stream, null, Max, new Owner(), Soft);
        outbox.Write(OutgoingFrame.Text("first".AsSpan()));
        var payload = new string('x', 64);
        for (int i = 0; i < 1000; i++)
        {
            outbox.Write(OutgoingFrame.Text(payload.AsSpan()), WsDelivery.Latest((long)(i % 16)));
        }

        // Steady state: every send replaces a waiting frame, and the queue compacts in place. No
        // string key, no boxed long in the key table, no enumerator.
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            outbox.Write(OutgoingFrame.Text(payload.AsSpan()), WsDelivery.Latest((long)(i % 16)));
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(outbox.MessagesReplaced, Is.GreaterThanOrEqualTo(10_000));
        stream.Open();
    }

    [Test]
    public async Task Write_LatestWhileFirstFrameInFlight_LeavesInFlightFrameAndNewestValue()
    {
        var stream = new GatedStream();
        var outbox = new Outbox(stream, null, Max, new Owner(), Soft);

        // The first frame goes to the stream at once: handed to the socket, it is never replaced.
        Assert.That(outbox.Write(OutgoingFrame.Text("a1".AsSpan()), WsDelivery.Latest("a")), Is.EqualTo(DeliveryResult.Queued));
        Assert.That(outbox.Write(OutgoingFrame.Text("a2".AsSpan()), WsDelivery.Latest("a")), Is.EqualTo(DeliveryResult.Queued));
        Assert.That(outbox.Write(OutgoingFrame.Text("r1".AsSpan()), WsDelivery.Reliable), Is.EqualTo(DeliveryResult.Queued));
        Assert.That(outbox.Write(OutgoingFrame.Text("a3".AsSpan()), WsDelivery.Latest("a")), Is.EqualTo(DeliveryResult.Replaced));

        stream.Open();
        await outbox.WhenDrainedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(ReadTexts(stream.Written), Is.EqualTo(new[] { "a1", "r1", "a3" }));
    }

    [Test]
    public async Task WhenUncongested_CompletesOnceQueueFallsUnderSoftMark()
    {
        var stream = new GatedStream();
        var outbox = new Outbox(stream, null, Max, new Owner(), Soft);
        outbox.Write(OutgoingFrame.Text(new string('x', Soft + 100).AsSpan()));
        Assert.That(outbox.IsCongested, Is.True);
        var uncongested = outbox.WhenUncongestedAsync();
        Assert.That(uncongested.IsCompleted, Is.False);

        stream.Open();
        Assert.That(await uncongested.WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(outbox.IsCongested, Is.False);
        Assert.That(outbox.WhenUncongestedAsync().IsCompleted, Is.True);
    }

    [Test]
    public async Task WhenUncongested_ConnectionEnds_CompletesFalse()
    {
        var stream = new GatedStream();
        var outbox = new Outbox(stream, null, Max, new Owner(), Soft);
        outbox.Write(OutgoingFrame.Text(new string('x', Soft + 100).AsSpan()));
        var uncongested = outbox.WhenUncongestedAsync();

        outbox.Terminate();
        stream.Open();

        Assert.That(await uncongested.WaitAsync(TimeSpan.FromSeconds(10)), Is.False);
    }

    private static int FrameLength(string text)
    {
        int n = Encoding.UTF8.GetByteCount(text);
        return n + (n <= 125 ? 2 : n <= 65535 ? 4 : 10);
    }

    private static List<string> ReadTexts(byte[] bytes)
    {
        var texts = new List<string>();
        int at = 0;
        while (at < bytes.Length)
        {
            Assert.That(bytes[at], Is.EqualTo(0x81), "a final text frame");
            int len7 = bytes[at + 1] & 0x7F;
            int header = len7 == 126 ? 4 : 2;
            int length = len7 == 126 ? (bytes[at + 2] << 8) | bytes[at + 3] : len7;
            texts.Add(Encoding.UTF8.GetString(bytes, at + header, length));
            at += header + length;
        }

        return texts;
    }

    /// <summary>
    /// docs/sending.md as a list: the first frame is in flight; the others wait, in order; a
    /// droppable one waits for an uncongested queue; a latest one takes its key's waiting frame
    /// out and goes to the end; nothing but an empty queue's first frame passes the hard limit.
    /// </summary>
    private sealed class QueueModel
    {
        private readonly List<(string Text, int Length, DeliveryKey Key)> _waiting = new();
        private (string Text, int Length)? _inFlight;

        public List<string> Sent { get; } = new();

        public long Dropped { get; private set; }

        public long Replaced { get; private set; }

        public int LiveBytes => (_inFlight?.Length ?? 0) + _waiting.Sum(w => w.Length);

        public DeliveryResult Send(string text, int length, WsDelivery delivery, int max, int soft)
        {
            int live = LiveBytes;
            int old = delivery.Kind == WsDeliveryKind.Latest ? _waiting.FindIndex(w => w.Key.Equals(DeliveryKey.Of(delivery))) : -1;
            int before = live - (old >= 0 ? _waiting[old].Length : 0);
            bool fits = before == 0 || before + length <= max;
            if (delivery.IsReliable && !fits)
            {
                return DeliveryResult.Refused;
            }

            if (!fits || (delivery.Kind == WsDeliveryKind.Droppable && live > soft))
            {
                Dropped++;
                return DeliveryResult.Dropped;
            }

            if (_inFlight is null)
            {
                _inFlight = (text, length);
                Sent.Add(text);
                return DeliveryResult.Queued;
            }

            if (old >= 0)
            {
                Sent.Remove(_waiting[old].Text);
                _waiting.RemoveAt(old);
                Replaced++;
            }

            _waiting.Add((text, length, DeliveryKey.Of(delivery)));
            Sent.Add(text);
            return old >= 0 ? DeliveryResult.Replaced : DeliveryResult.Queued;
        }
    }

    /// <summary>A stream whose writes wait until <see cref="Open"/>: a client that does not read, then does.</summary>
    private sealed class GatedStream : Stream
    {
        private readonly MemoryStream _written = new();
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public byte[] Written
        {
            get
            {
                lock (_written)
                {
                    return _written.ToArray();
                }
            }
        }

        public void Open() => _open.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (_written)
            {
                _written.Write(buffer.Span);
            }

            await _open.Task;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class Owner : IOutboxOwner
    {
        public void OnSendQueueFull()
        {
        }

        public void OnWriteFailed(string reason)
        {
        }
    }
}
