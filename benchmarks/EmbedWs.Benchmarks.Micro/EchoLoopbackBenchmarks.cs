using System;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;

namespace EmbedWs.Benchmarks.Micro;

/// <summary>
/// The whole engine in one process: a real EmbedWs server on 127.0.0.1 (Inline dispatch, no
/// heartbeat, echoing binary messages) and a blocking raw-socket client. One operation is one
/// 32-byte message echoed (Batch8: eight sent in one write, reported per message). The client
/// side (blocking Send/Receive on a byte[]) allocates nothing, so "Allocated" is what the
/// engine allocates per echoed message: the steady-state target is 0 B. GlobalCleanup also
/// prints the process's own count, GC.GetTotalAllocatedBytes over every echo of the run.
/// </summary>
[MemoryDiagnoser]
public class EchoLoopbackBenchmarks
{
    private const int Payload = 32;
    private WsServer _server = null!;
    private Socket _client = null!;
    private byte[] _frames = Array.Empty<byte>();
    private readonly byte[] _receive = new byte[64 * 1024];
    private long _echoed;
    private long _allocatedAtStart;

    [GlobalSetup]
    public void Setup()
    {
        (_server, _client) = LoopbackClient.Start(server => server.OnMessage += (c, m) => c.Send(m.Data), _receive);

        // Eight masked binary frames of 32 zero bytes each.
        _frames = new byte[8 * (6 + Payload)];
        for (int f = 0; f < 8; f++)
        {
            LoopbackClient.WriteMaskedFrame(_frames.AsSpan(f * (6 + Payload), 6 + Payload), 0x2, new byte[Payload]);
        }

        _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
    }

    [Benchmark]
    public void Echo() => RoundTrip(1);

    [Benchmark(OperationsPerInvoke = 8)]
    public void Echo_Batch8() => RoundTrip(8);

    private void RoundTrip(int count)
    {
        _client.Send(_frames, 0, count * (6 + Payload), SocketFlags.None);
        int expected = count * (2 + Payload), got = 0;
        while (got < expected)
        {
            got += _client.Receive(_receive, got, _receive.Length - got, SocketFlags.None);
        }

        _echoed += count;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocatedAtStart;
        Console.WriteLine($"// EchoLoopback: {_echoed:N0} messages echoed, {allocated:N0} B allocated in the process: {(double)allocated / Math.Max(1, _echoed):0.###} B per message");
        _client.Dispose();
        _server.StopAsync().GetAwaiter().GetResult();
    }
}
