using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>
/// The server of the latest-by-key soak (<c>--server --scenario latest</c>): EmbedWs with its
/// default options. Every <c>--tick-ms</c> it broadcasts <c>--rate</c>/s updates spread over
/// <c>--keys</c> keys, each sent with <c>WsDelivery.Latest(key)</c> (the numeric key) as the text
/// <c>u:KEY:SEQ:padding</c>, SEQ counting per key from 1. <c>GET /stats?stop=1</c> ends the
/// stream and broadcasts, reliably, <c>done:SEQ0,SEQ1,...</c>: the last value sent per key, which
/// every client must end with. <c>GET /stats</c> serves the counters as JSON.
/// </summary>
internal sealed class LatestServer
{
    private readonly LatestServerOptions _o;
    private readonly WsServer _server;
    private readonly long[] _seq;
    private readonly ConcurrentDictionary<string, long> _closes = new();
    private readonly CancellationTokenSource _streamStop = new();
    private Task _streaming = Task.CompletedTask;
    private long _updates, _deliveries, _connects, _errors, _doneDeliveries;
    private int _doneSent;

    private LatestServer(LatestServerOptions o)
    {
        _o = o;
        _seq = new long[o.Keys];
        _server = new WsServer(new WsServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, o.Port),
            ListenBacklog = 4096,
            SocketSendBufferBytes = o.SendBuffer,
            HttpHandler = info => info.Path == "/stats" ? StatsAsync(info.Query.ContainsKey("stop")) : new ValueTask<WsHttpResponse?>((WsHttpResponse?)null),
        });
        _server.OnConnect += _ => Interlocked.Increment(ref _connects);
        _server.OnClose += (_, close) => _closes.AddOrUpdate($"{close.Code} {close.Cause}", 1, static (_, n) => n + 1);
        _server.OnError += (_, _) => Interlocked.Increment(ref _errors);
    }

    public static async Task<int> RunAsync(LatestServerOptions o, CancellationToken stop)
    {
        var soak = new LatestServer(o);
        await soak._server.StartAsync(stop);
        Console.Out.WriteLine($"ready latest-soak 127.0.0.1:{soak._server.Port} pid {Environment.ProcessId} keys {o.Keys} " +
            $"rate {o.Rate}/s tick {o.TickMs}ms size {o.Size}B, default options");
        Console.Out.Flush();
        using var both = CancellationTokenSource.CreateLinkedTokenSource(stop, soak._streamStop.Token);
        soak._streaming = soak.StreamAsync(both.Token);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }

        await soak._streaming;
        await soak._server.StopAsync();
        Console.Out.WriteLine("stopped " + soak.StatsJson());
        return 0;
    }

    /// <summary>The update stream: a seeded random key per update, so keys change at different rates.</summary>
    private async Task StreamAsync(CancellationToken stop)
    {
        var random = new Random(_o.Seed);
        var buffer = new StringBuilder(_o.Size);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_o.TickMs));
        double owed = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                owed += _o.Rate * _o.TickMs / 1000.0;
                for (; owed >= 1; owed--)
                {
                    int key = random.Next(_o.Keys);
                    long seq = ++_seq[key];
                    buffer.Clear().Append("u:").Append(key).Append(':').Append(seq).Append(':');
                    buffer.Append('x', Math.Max(0, _o.Size - buffer.Length));

                    // The numeric key: no string per send (WsDelivery.Latest(long)).
                    int sent = _server.Broadcast(buffer.ToString(), WsDelivery.Latest(key));
                    Interlocked.Increment(ref _updates);
                    Interlocked.Add(ref _deliveries, sent);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async ValueTask<WsHttpResponse?> StatsAsync(bool stop)
    {
        if (stop && Interlocked.Exchange(ref _doneSent, 1) == 0)
        {
            // The stream loop ends first, so nothing follows the marker: the last value per key is final.
            _streamStop.Cancel();
            await _streaming.ConfigureAwait(false);
            Interlocked.Exchange(ref _doneDeliveries, SendDone());
        }

        return WsHttpResponse.Text(StatsJson(), "application/json");
    }

    /// <summary>Broadcasts, reliably, the last value sent per key.</summary>
    private int SendDone()
    {
        var done = new StringBuilder("done:");
        for (int k = 0; k < _seq.Length; k++)
        {
            done.Append(k == 0 ? "" : ",").Append(_seq[k].ToString(CultureInfo.InvariantCulture));
        }

        return _server.Broadcast(done.ToString());
    }

    private string StatsJson()
    {
        var snapshot = _server.GetSnapshot();
        long queued = 0, congested = 0;
        foreach (var c in _server.Connections)
        {
            int bytes = c.SendQueueBytes;
            queued += bytes;
            congested += c.IsCongested ? 1 : 0;
        }

        return JsonSerializer.Serialize(new
        {
            pid = Environment.ProcessId,
            connections = _server.ConnectionCount,
            peers = _server.ConnectionCount,
            connects = Interlocked.Read(ref _connects),
            closes = _closes,
            errors = Interlocked.Read(ref _errors),
            updates = Interlocked.Read(ref _updates),
            deliveries = Interlocked.Read(ref _deliveries),
            done = Volatile.Read(ref _doneSent) == 1,
            doneDeliveries = Interlocked.Read(ref _doneDeliveries),
            replaced = snapshot.MessagesReplaced,
            dropped = snapshot.MessagesDropped,
            sendQueueBytes = queued,
            congested,
            heapBytes = GC.GetTotalMemory(false),
            committedBytes = GC.GetGCMemoryInfo().TotalCommittedBytes,
            gen2 = GC.CollectionCount(2),
        });
    }
}

/// <summary>The latest soak server's command line: <c>--server --scenario latest --port P [--keys 64] [--rate 100] [--tick-ms 20] [--size 48] [--seed 1]</c>.</summary>
internal sealed class LatestServerOptions
{
    public int Port { get; private set; }
    public int Keys { get; private set; } = 64;
    public double Rate { get; private set; } = 100;
    public int TickMs { get; private set; } = 20;
    public int Size { get; private set; } = 48;
    public int Seed { get; private set; } = 1;

    /// <summary><c>--send-buffer BYTES</c>: <c>SocketSendBufferBytes</c>; null for the system's buffers.</summary>
    public int? SendBuffer { get; private set; }

    public static LatestServerOptions Parse(string[] args)
    {
        var o = new LatestServerOptions();
        foreach (var (name, v) in Args.Pairs(args))
        {
            switch (name)
            {
                case "--scenario": break;
                case "--port": o.Port = Args.Int(v, 1, 65535, name); break;
                case "--keys": o.Keys = Args.Int(v, 1, 100_000, name); break;
                case "--rate": o.Rate = Args.Num(v, 1, 1_000_000, name); break;
                case "--tick-ms": o.TickMs = Args.Int(v, 1, 10_000, name); break;
                case "--size": o.Size = Args.Int(v, 1, 1 << 20, name); break;
                case "--seed": o.Seed = Args.Int(v, 0, int.MaxValue, name); break;
                case "--send-buffer": o.SendBuffer = Args.Int(v, 1024, 16 << 20, name); break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        return o.Port != 0 ? o : throw new ArgumentException("--port is required");
    }
}
