using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Load;

/// <summary>
/// echo and route: C connections, each keeping W messages in flight. A reply frees a slot and
/// the next message goes out; replies come back in order, so each one's latency is measured
/// from the send time of the oldest message still in flight on its connection.
/// </summary>
internal static class EchoMode
{
    /// <summary>The route request; its reply is <see cref="RouteReply"/>, whose length is checked.</summary>
    public const string RouteRequest = "{\"type\":\"math.add\",\"id\":1,\"data\":{\"a\":1,\"b\":2}}";
    public const string RouteReply = "{\"type\":\"math.add\",\"id\":1,\"data\":{\"sum\":3}}";

    /// <summary>Distinct messages in a --json run: each connection cycles through them.</summary>
    private const int JsonMessages = 64;

    public static async Task<Dictionary<string, object>> RunAsync(LoadOptions o, CancellationToken deadline)
    {
        bool route = o.Mode == "route";
        byte[][] payloads;
        if (route)
        {
            payloads = new[] { Encoding.UTF8.GetBytes(RouteRequest) };
        }
        else if (o.Json)
        {
            payloads = JsonPayloads.Create(JsonMessages, o.Size);
        }
        else
        {
            // Printable bytes, so the same payload is valid as text (--text) too.
            payloads = new[] { new byte[o.Size] };
            payloads[0].AsSpan().Fill((byte)'x');
        }

        byte opcode = route || o.Text || o.Json ? (byte)1 : (byte)2;
        long expected = route ? Encoding.UTF8.GetByteCount(RouteReply) : o.Size;
        // With --deflate each message is compressed once, here, not per send (ClientDeflate).
        var frames = payloads.Select(p => o.Deflate ? WsClient.BuildFrame(opcode, ClientDeflate.Compress(p), rsv1: true)
            : WsClient.BuildFrame(opcode, p)).ToArray();
        byte[] request = WsClient.UpgradeRequest(o.Path, o.HostHeader, o.Deflate);
        var sw = Stopwatch.StartNew();
        var clients = await Connections.OpenAsync(o, request, o.Concurrency, deadline);
        double connectSeconds = sw.Elapsed.TotalSeconds;
        var loops = clients.Select(c => new EchoClient(c.Socket, c.Leftover, new FrameRing(frames, o.InFlight), o.InFlight, expected)).ToArray();
        var tasks = loops.Select(l => l.RunAsync()).ToArray();

        Func<long> messages = () => Sum(loops, l => l.Messages), bytesCounter = () => Sum(loops, l => l.Bytes);
        Func<long> wireIn = () => Sum(loops, l => l.WireIn), wireOut = () => Sum(loops, l => l.WireOut), sent = () => Sum(loops, l => l.Sent);
        // Per connection too: how evenly the server serves its clients.
        var perConnection = loops.Select(l => (Func<long>)(() => l.Messages)).ToArray();
        var stats = o.ServerStats ? new ServerStats(o) : null;
        var counters = new[] { messages, bytesCounter, wireIn, wireOut, sent }.Concat(stats?.Counters ?? Array.Empty<Func<long>>());
        var window = await Measurement.RunAsync(o, deadline, counters.Concat(perConnection).ToArray());
        long bytes = window.Of(bytesCounter);
        var shares = perConnection.Select(window.Of).ToList();
        foreach (var l in loops)
        {
            l.Stop();
        }

        await Connections.CloseAsync(clients.Select(c => c.Socket), tasks);
        var h = Latency.Merge();
        var result = new Dictionary<string, object>
        {
            ["connections"] = o.Connections,
            ["inflight"] = o.InFlight,
            ["size"] = route ? payloads[0].Length : o.Size,
            ["connectSeconds"] = Math.Round(connectSeconds, 3),
            ["seconds"] = Math.Round(window.Seconds, 3),
            ["messages"] = window.Count,
            ["msgPerSec"] = Math.Round(window.Count / window.Seconds),
            ["mbPerSec"] = Math.Round(bytes / window.Seconds / 1e6, 2),
            ["p50Us"] = h.Percentile(50),
            ["p90Us"] = h.Percentile(90),
            ["p99Us"] = h.Percentile(99),
            ["p999Us"] = h.Percentile(99.9),
            ["minConnMessages"] = shares.Min(),
            ["maxConnMessages"] = shares.Max(),
            // 1.0 when every connection got the same service; near 0 when some were starved.
            ["fairness"] = shares.Max() == 0 ? 0 : Math.Round(shares.Min() / (double)shares.Max(), 3),
            ["badReplies"] = Sum(loops, l => l.BadReplies),
            ["closedByServer"] = loops.Count(l => l.Closed),
            // WebSocket frames (headers and payloads) per message, each way: with --deflate, what
            // compression saves on the wire.
            ["wireOutPerMsg"] = window.Of(sent) == 0 ? 0 : Math.Round(window.Of(wireOut) / (double)window.Of(sent), 1),
            ["wireInPerMsg"] = window.Count == 0 ? 0 : Math.Round(window.Of(wireIn) / (double)window.Count, 1),
        };
        stats?.AddTo(result, window, window.Count);
        return result;
    }

    private static long Sum(EchoClient[] loops, Func<EchoClient, long> f)
    {
        long s = 0;
        foreach (var l in loops)
        {
            s += f(l);
        }

        return s;
    }

    private sealed class EchoClient : IMessageSink
    {
        private readonly Socket _socket;
        private readonly byte[] _leftover;
        private readonly FrameRing _frames;
        private readonly int _inFlight;
        private readonly long _expected;
        private readonly long[] _sentAt;
        private readonly FrameScanner _scanner = new();
        private readonly bool _separateSender;
        private readonly SemaphoreSlim _sendSignal = new(0);
        private long _head, _tail;
        private int _credits;
        private int _received;
        private long _now;
        private volatile bool _stopping;

        public EchoClient(Socket socket, byte[] leftover, FrameRing frames, int inFlight, long expected)
        {
            _socket = socket;
            _leftover = leftover;
            _inFlight = inFlight;
            _expected = expected;
            _frames = frames;
            _sentAt = new long[inFlight];

            // Small windows are refilled from the receive loop itself (one thread, no handoff). A
            // large window gets its own sender, so a send waiting on a full socket never stops
            // this client from reading what the server sends back.
            _separateSender = (long)frames.MaxFrame * inFlight > 64 * 1024;
        }

        public long Messages;
        public long Bytes;
        public long Sent;
        public long WireIn;
        public long WireOut;
        public long BadReplies;
        public bool Closed;

        public void Stop() => _stopping = true;

        public async Task RunAsync()
        {
            try
            {
                Task sender = _separateSender ? SendLoopAsync() : Task.CompletedTask;
                if (_separateSender)
                {
                    Interlocked.Add(ref _credits, _inFlight);
                    _sendSignal.Release();
                }
                else
                {
                    await SendAsync(_inFlight);
                }

                var buffer = new byte[Math.Max(64 * 1024, 2 * _frames.MaxFrame)];
                Receive(_leftover);
                while (!_stopping)
                {
                    int n = await _socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
                    if (n == 0)
                    {
                        Closed = !_stopping;
                        break;
                    }

                    WireIn += n;
                    Receive(buffer.AsSpan(0, n));
                    if (_received > 0 && !_stopping)
                    {
                        if (_separateSender)
                        {
                            Interlocked.Add(ref _credits, _received);
                            _sendSignal.Release();
                        }
                        else
                        {
                            await SendAsync(_received);
                        }
                    }
                }

                // The sender ends too (also when the server closed the connection first).
                _stopping = true;
                _sendSignal.Release();
                await sender;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                Closed |= !_stopping;
            }
        }

        private void Receive(ReadOnlySpan<byte> data)
        {
            _received = 0;
            _now = Stopwatch.GetTimestamp();
            _scanner.Scan(data, this);
        }

        public void OnMessage(long length, ReadOnlySpan<byte> prefix)
        {
            Latency.Record(_sentAt[_head++ % _inFlight], _now);
            _received++;
            Messages++;
            Bytes += length;
            if (length != _expected)
            {
                BadReplies++;
            }
        }

        public void OnClose() => Closed = !_stopping;

        private async Task SendLoopAsync()
        {
            while (!_stopping)
            {
                await _sendSignal.WaitAsync();
                int k = Interlocked.Exchange(ref _credits, 0);
                if (k > 0 && !_stopping)
                {
                    await SendAsync(k);
                }
            }
        }

        private ValueTask SendAsync(int count)
        {
            long now = Stopwatch.GetTimestamp();
            for (int i = 0; i < count; i++)
            {
                _sentAt[_tail++ % _inFlight] = now;
            }

            var block = _frames.Next(count);
            Sent += count;
            WireOut += block.Length;
            return WsClient.SendAllAsync(_socket, block);
        }
    }
}
