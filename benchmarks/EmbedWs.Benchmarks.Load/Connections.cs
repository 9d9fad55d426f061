using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Load;

/// <summary>One upgraded connection and the bytes that came after the 101.</summary>
internal sealed record Client(Socket Socket, byte[] Leftover);

/// <summary>Opening many connections at once, and closing them.</summary>
internal static class Connections
{
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Opens <see cref="LoadOptions.Connections"/> connections; all must succeed.</summary>
    public static async Task<List<Client>> OpenAsync(LoadOptions o, byte[] request, int concurrency, CancellationToken deadline)
    {
        var (clients, failures, firstError) = await TryOpenAsync(o, request, o.Connections, concurrency, deadline);
        if (failures > 0)
        {
            foreach (var c in clients)
            {
                c.Socket.Dispose();
            }

            throw new InvalidOperationException($"{failures} of {o.Connections} connections failed: {firstError}");
        }

        return clients;
    }

    /// <summary>Opens <paramref name="count"/> connections, <paramref name="concurrency"/> at a time, each within 10 s; counts failures.</summary>
    public static async Task<(List<Client> Clients, int Failures, string? FirstError)> TryOpenAsync(
        LoadOptions o, byte[] request, int count, int concurrency, CancellationToken deadline)
    {
        var results = new Client?[count];
        int next = -1, failures = 0;
        string? firstError = null;

        async Task WorkAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count && !deadline.IsCancellationRequested)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(deadline);
                timeout.CancelAfter(s_connectTimeout);
                try
                {
                    // Several --urls (the nodes of a cluster): connections go to them in turn.
                    var (socket, leftover) = await WsClient.ConnectAsync(o.EndPoints[i % o.EndPoints.Count], request, timeout.Token);
                    results[i] = new Client(socket, leftover);
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstError, ex.GetType().Name + ": " + ex.Message, null);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(WorkAsync)));
        return (results.OfType<Client>().ToList(), failures, firstError);
    }

    /// <summary>Resets every connection (no TIME_WAIT left behind) and waits briefly for their loops to end.</summary>
    public static async Task CloseAsync(IEnumerable<Socket> sockets, Task[] loops)
    {
        foreach (var s in sockets)
        {
            s.Dispose();
        }

        await Task.WhenAny(Task.WhenAll(loops), Task.Delay(TimeSpan.FromSeconds(3)));
    }
}

/// <summary>The measured window: after the warm-up, for the duration, counters read at both ends.</summary>
internal sealed class Measurement
{
    private readonly Dictionary<Func<long>, long> _deltas;

    private Measurement(double seconds, Dictionary<Func<long>, long> deltas)
    {
        Seconds = seconds;
        _deltas = deltas;
    }

    public double Seconds { get; }

    /// <summary>The change of the first counter over the window.</summary>
    public long Count => _deltas.Values.First();

    /// <summary>The change of <paramref name="counter"/> (one of those given to RunAsync) over the window.</summary>
    public long Of(Func<long> counter) => _deltas[counter];

    /// <summary>Warms up, then turns latency recording on for the duration and reads the counters at both ends.</summary>
    public static async Task<Measurement> RunAsync(LoadOptions o, CancellationToken deadline, params Func<long>[] counters)
    {
        await Task.Delay(TimeSpan.FromSeconds(o.Warmup), deadline);
        var start = counters.Select(c => c()).ToArray();
        long t0 = Stopwatch.GetTimestamp();
        Latency.Recording = true;
        await Task.Delay(TimeSpan.FromSeconds(o.Duration), deadline);
        Latency.Recording = false;
        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var deltas = new Dictionary<Func<long>, long>();
        for (int i = 0; i < counters.Length; i++)
        {
            deltas[counters[i]] = counters[i]() - start[i];
        }

        return new Measurement(seconds, deltas);
    }
}
