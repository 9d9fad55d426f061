using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Load;

/// <summary>
/// fanout: N subscribers and one publisher. The server sends each published message to every
/// other connection. Each payload carries a sequence number and the send timestamp (same process,
/// same clock), so every delivery gives a latency and gaps show lost messages. The publisher
/// keeps at most W messages undelivered (counted over all subscribers), so no queue grows
/// without bound; at the end it stops and waits up to 3 s for the last deliveries. With
/// <c>--json</c> the payload after those 16 bytes is a JSON state message (<see cref="JsonPayloads"/>);
/// with <c>--deflate</c> the publisher compresses each message as it sends it, and subscribers
/// inflate what arrives (<see cref="ClientDeflate"/>). With <c>--signalr</c> every connection
/// speaks SignalR's JSON hub protocol (<see cref="SignalRWire"/>): the same numbers and times
/// travel as hex in the argument of a <c>Publish</c> invocation, and the same checks apply. With
/// several <c>--url</c>s (the nodes of a cluster), subscribers are spread over them in turn and
/// the publisher connects to the first.
/// inflate what arrives (<see cref="ClientDeflate"/>). With <c>--slow N</c>, N subscribers (spread
/// evenly) read slowly: a 4 KiB receive buffer, and at most <c>--slow-rate</c> messages/s. They are
/// outside the publisher's window and the deliveries/s (reported apart), so the figures say what
/// a slow reader costs everyone else; against the <c>fanout-latest</c> bench server (latest by key)
/// the server replaces what they cannot take.
/// </summary>
internal static class FanoutMode
{
    private const int Batch = 64;

    public static async Task<Dictionary<string, object>> RunAsync(LoadOptions o, CancellationToken deadline)
    {
        int size = Math.Max(o.Size, 16);
        byte[] request = WsClient.UpgradeRequest(o.Path, o.HostHeader, o.Deflate);
        var sw = Stopwatch.StartNew();
        var clients = await Connections.OpenAsync(o, request, o.Concurrency, deadline);
        var (pubSocket, pubLeftover) = await WsClient.ConnectAsync(o.EndPoint, request, deadline);
        if (o.SignalR)
        {
            // The hub protocol's handshake, answered before the hub sends a client anything.
            clients = (await Task.WhenAll(clients.Select(async c => c with { Leftover = await SignalRWire.HandshakeAsync(c.Socket, c.Leftover, deadline) }))).ToList();
            await SignalRWire.HandshakeAsync(pubSocket, pubLeftover, deadline);
        }

        var subscribers = clients.Select((c, i) => new Subscriber(c.Socket, c.Leftover, o.SignalR, IsSlow(i, o) ? o.SlowRate : 0)).ToArray();
        int fast = o.Connections - subscribers.Count(s => s.IsSlow);
        double connectSeconds = sw.Elapsed.TotalSeconds;

        // The server adds a connection to its set around the time it sends the 101: give the
        // last ones a moment so that none misses the first messages.
        await Task.Delay(500, deadline);
        var shared = new Shared(fast);
        foreach (var s in subscribers)
        {
            s.Shared = shared;
        }

        var loops = subscribers.Select(s => s.RunAsync()).ToList();
        var template = new byte[size];
        if (o.Json)
        {
            JsonPayloads.Create(1, size - 16)[0].CopyTo(template, 16);
        }

        var publisher = new Publisher(pubSocket, shared, template, o.InFlight, o.Deflate, o.SignalR);
        var publishing = publisher.RunAsync();
        using var nudge = new Timer(_ => shared.Wake(), null, 100, 100);
        // A SignalR server closes a client it has not heard from for 30 s: subscribers ping every
        // 15 s, as SignalR's own clients do (the publisher is never quiet).
        using var keepAlive = o.SignalR ? new Timer(_ => Ping(subscribers), null, 15_000, 15_000) : null;

        Func<long> delivered = () => Volatile.Read(ref shared.Delivered);
        Func<long> wireIn = () => subscribers.Sum(s => Volatile.Read(ref s.WireIn));
        Func<long> published = () => Volatile.Read(ref publisher.Published), wireOut = () => Volatile.Read(ref publisher.WireOut);
        Func<long> slowDelivered = () => Volatile.Read(ref shared.SlowDelivered);
        var window = await Measurement.RunAsync(o, deadline, delivered, wireIn, published, wireOut, slowDelivered);
        publisher.Stop();
        await publishing;
        long expected = publisher.Published * fast;
        var drain = Stopwatch.StartNew();
        while (Volatile.Read(ref shared.Progress) < expected && drain.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(20, deadline);
        }

        foreach (var s in subscribers)
        {
            s.Stopping = true;
        }

        loops.Add(publishing);
        await Connections.CloseAsync(subscribers.Select(s => s.Socket).Append(pubSocket), loops.ToArray());
        var h = Latency.Merge();
        long deliveredTotal = Volatile.Read(ref shared.Delivered);
        var result = new Dictionary<string, object>
        {
            ["subscribers"] = o.Connections,
            ["inflight"] = o.InFlight,
            ["size"] = size,
            ["connectSeconds"] = Math.Round(connectSeconds, 3),
            ["seconds"] = Math.Round(window.Seconds, 3),
            ["deliveries"] = window.Count,
            ["deliveriesPerSec"] = Math.Round(window.Count / window.Seconds),
            ["published"] = publisher.Published,
            ["p50Us"] = h.Percentile(50),
            ["p90Us"] = h.Percentile(90),
            ["p99Us"] = h.Percentile(99),
            ["p999Us"] = h.Percentile(99.9),
            ["lost"] = Math.Max(0, expected - deliveredTotal),
            ["gaps"] = subscribers.Where(s => !s.IsSlow).Sum(s => s.Gaps),
            ["closedByServer"] = subscribers.Count(s => s.Closed),
            // WebSocket frames per message: from the publisher to the server, and from the server to one subscriber.
            ["wireOutPerMsg"] = window.Of(published) == 0 ? 0 : Math.Round(window.Of(wireOut) / (double)window.Of(published), 1),
            ["wireInPerMsg"] = window.Count == 0 ? 0 : Math.Round(window.Of(wireIn) / (double)window.Count, 1),
            ["fastPerSubscriberPerSec"] = Math.Round(window.Count / window.Seconds / fast, 1),
        };
        if (o.Slow > 0)
        {
            result["slow"] = o.Slow;
            result["slowRate"] = o.SlowRate;
            result["slowDeliveriesPerSec"] = Math.Round(window.Of(slowDelivered) / window.Seconds);
            result["slowPerSubscriberPerSec"] = Math.Round(window.Of(slowDelivered) / window.Seconds / o.Slow, 1);
            // What the slow ones missed: replaced by the server (latest by key), or never sent.
            result["slowGaps"] = subscribers.Where(s => s.IsSlow).Sum(s => s.Gaps);
        }

        if (new ServerStats(o).Read("replaced") is { } replaced)
        {
            result["serverReplaced"] = replaced;
        }

        return result;
    }

    private static void Ping(Subscriber[] subscribers)
    {
        foreach (var s in subscribers)
        {
            try
            {
                s.Socket.Send(SignalRWire.PingFrame);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>With <c>--slow N</c>: every (connections / N)th subscriber, N in all.</summary>
    private static bool IsSlow(int index, LoadOptions o)
    {
        if (o.Slow == 0)
        {
            return false;
        }

        int stride = o.Connections / o.Slow;
        return index % stride == 0 && index / stride < o.Slow;
    }

    /// <summary>
    /// Deliveries over the fast subscribers, and the publisher's wake-up when enough arrived.
    /// Progress counts a message as done when it or a later one arrived: a message the server
    /// replaced (latest by key) never arrives, and must not hold the publisher's window forever.
    /// </summary>
    private sealed class Shared
    {
        public Shared(int subscribers) => Subscribers = subscribers;

        public readonly int Subscribers;
        public long Delivered;
        public long Progress;
        public long SlowDelivered;
        public long WakeAt = long.MaxValue;
        public TaskCompletionSource? Waiter;

        public void Add(int count, long progress)
        {
            Interlocked.Add(ref Delivered, count);
            if (Interlocked.Add(ref Progress, progress) >= Volatile.Read(ref WakeAt) && Volatile.Read(ref Waiter) is not null)
            {
                Wake();
            }
        }

        public void Wake() => Interlocked.Exchange(ref Waiter, null)?.TrySetResult();
    }

    private sealed class Subscriber : IMessageSink
    {
        private readonly FrameScanner? _scanner;
        private readonly SignalRScanner? _signalR;
        private readonly byte[] _leftover;
        private readonly double _slowRate;
        private long _next;
        private int _received;
        private long _progress;
        private long _now;

        /// <param name="socket">The subscriber's connection, upgraded.</param>
        /// <param name="leftover">Bytes read with the 101 response (after the hub handshake's reply with SignalR).</param>
        /// <param name="signalR">Whether the connection speaks SignalR's JSON hub protocol.</param>
        /// <param name="slowRate">0 for a fast subscriber; else the most messages per second it reads.</param>
        public Subscriber(Socket socket, byte[] leftover, bool signalR, double slowRate)
        {
            Socket = socket;
            _leftover = leftover;
            _scanner = signalR ? null : new FrameScanner();
            _signalR = signalR ? new SignalRScanner() : null;
            _slowRate = slowRate;
        }

        public bool IsSlow => _slowRate > 0;

        public Socket Socket { get; }
        public Shared Shared { get; set; } = null!;
        public volatile bool Stopping;
        public long Gaps;
        public long WireIn;
        public bool Closed;

        public async Task RunAsync()
        {
            var buffer = new byte[IsSlow ? 1024 : 64 * 1024];
            var clock = Stopwatch.StartNew();
            long slowReceived = 0;
            try
            {
                if (IsSlow)
                {
                    Socket.ReceiveBufferSize = 4096;
                }

                Receive(_leftover);
                while (!Stopping)
                {
                    if (IsSlow)
                    {
                        // At most _slowRate messages/s on average: wait until the clock catches up with what was read.
                        slowReceived += _received;
                        double ahead = (slowReceived / _slowRate) - clock.Elapsed.TotalSeconds;
                        if (ahead > 0.002)
                        {
                            await Task.Delay(TimeSpan.FromSeconds(ahead));
                        }
                    }

                    int n = await Socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
                    if (n == 0)
                    {
                        Closed = !Stopping;
                        return;
                    }

                    Volatile.Write(ref WireIn, WireIn + n);
                    Receive(buffer.AsSpan(0, n));
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                Closed |= !Stopping;
            }
        }

        private void Receive(ReadOnlySpan<byte> data)
        {
            _received = 0;
            _progress = 0;
            _now = Stopwatch.GetTimestamp();
            if (_signalR is null)
            {
                _scanner!.Scan(data, this);
            }
            else
            {
                _signalR.Scan(data, this);
            }

            if (_received > 0 && IsSlow)
            {
                Interlocked.Add(ref Shared.SlowDelivered, _received);
            }
            else if (_received > 0)
            {
                Shared.Add(_received, _progress);
            }
        }

        public void OnMessage(long length, ReadOnlySpan<byte> prefix)
        {
            if (prefix.Length < 16)
            {
                return;
            }

            long seq = BinaryPrimitives.ReadInt64LittleEndian(prefix);
            if (seq != _next)
            {
                Gaps += Math.Max(0, seq - _next);
            }

            _progress += Math.Max(0, seq + 1 - _next);
            _next = seq + 1;
            if (!IsSlow)
            {
                // The latency figures are the fast subscribers': a slow one's are its own doing.
                Latency.Record(BinaryPrimitives.ReadInt64LittleEndian(prefix.Slice(8)), _now);
            }

            _received++;
        }

        public void OnClose() => Closed = !Stopping;
    }

    private sealed class Publisher
    {
        private readonly Socket _socket;
        private readonly Shared _shared;
        private readonly int _window;
        private readonly byte[] _frames;
        private readonly int _frameLength;
        private readonly int _payloadOffset;
        private readonly bool _hex;
        private readonly byte[]? _template;
        private volatile bool _stopping;

        public Publisher(Socket socket, Shared shared, byte[] payload, int window, bool deflate, bool signalR)
        {
            _socket = socket;
            _shared = shared;
            _window = window;
            if (signalR)
            {
                // A text frame per invocation; the stamp is the start of its argument, in hex.
                var (record, stampOffset) = SignalRWire.Invocation(payload.Length);
                _frames = WsClient.BuildFrame(1, record, Batch);
                _payloadOffset = WsClient.PayloadOffset(record.Length) + stampOffset;
                _hex = true;
            }
            else
            {
                _frames = WsClient.BuildFrame(2, payload, Batch);
                _payloadOffset = WsClient.PayloadOffset(payload.Length);
            }

            _frameLength = _frames.Length / Batch;
            // Compressed messages differ in length: built per batch from the payload (see Frames).
            _template = deflate ? (byte[])payload.Clone() : null;
        }

        public long Published;
        public long WireOut;

        public void Stop() => _stopping = true;

        public async Task RunAsync()
        {
            long n = _shared.Subscribers;
            try
            {
                while (!_stopping)
                {
                    long pending = (Published * n) - Volatile.Read(ref _shared.Progress);
                    long allowed = _window - (pending / n);
                    if (allowed <= 0)
                    {
                        // Wait until half the window was delivered (or the 100 ms nudge, if messages were lost).
                        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        Volatile.Write(ref _shared.Waiter, waiter);
                        Volatile.Write(ref _shared.WakeAt, (Published - (_window / 2)) * n);
                        if (Volatile.Read(ref _shared.Progress) >= Volatile.Read(ref _shared.WakeAt))
                        {
                            _shared.Wake();
                        }

                        await waiter.Task;
                        continue;
                    }

                    int k = (int)Math.Min(allowed, Batch);
                    var frames = Frames(k, Stopwatch.GetTimestamp());
                    await WsClient.SendAllAsync(_socket, frames);
                    Volatile.Write(ref WireOut, WireOut + frames.Length);
                    Volatile.Write(ref Published, Published + k);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }

        /// <summary>The next <paramref name="k"/> messages, numbered from <see cref="Published"/> and stamped with <paramref name="now"/>.</summary>
        private ReadOnlyMemory<byte> Frames(int k, long now)
        {
            if (_template is null)
            {
                for (int i = 0; i < k; i++)
                {
                    if (_hex)
                    {
                        SignalRWire.WriteStamp(_frames.AsSpan((i * _frameLength) + _payloadOffset, SignalRWire.StampLength), Published + i, now);
                        continue;
                    }

                    var payload = _frames.AsSpan((i * _frameLength) + _payloadOffset, 16);
                    BinaryPrimitives.WriteInt64LittleEndian(payload, Published + i);
                    BinaryPrimitives.WriteInt64LittleEndian(payload.Slice(8), now);
                }

                return _frames.AsMemory(0, k * _frameLength);
            }

            var compressed = new List<byte[]>(k);
            for (int i = 0; i < k; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(_template, Published + i);
                BinaryPrimitives.WriteInt64LittleEndian(_template.AsSpan(8), now);
                compressed.Add(WsClient.BuildFrame(2, ClientDeflate.Compress(_template), rsv1: true));
            }

            return compressed.SelectMany(f => f).ToArray();
        }
    }
}
