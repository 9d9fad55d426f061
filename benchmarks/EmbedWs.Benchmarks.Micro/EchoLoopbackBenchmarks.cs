using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using EmbedWs.Dispatch;

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
        _server = new WsServer(new WsServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            Dispatch = EventDispatch.Inline,
            Heartbeat = Heartbeat.Heartbeat.None,
        });
        _server.OnMessage += (c, m) => _ = c.SendAsync(m.Data);
        _server.StartAsync().GetAwaiter().GetResult();

        _client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _client.Connect(new IPEndPoint(IPAddress.Loopback, _server.Port));
        _client.Send(Encoding.ASCII.GetBytes(
            $"GET / HTTP/1.1\r\nHost: 127.0.0.1:{_server.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        int filled = 0;
        while (_receive.AsSpan(0, filled).IndexOf("\r\n\r\n"u8) < 0)
        {
            filled += _client.Receive(_receive, filled, _receive.Length - filled, SocketFlags.None);
        }

        // Eight masked frames (a non-zero key, as browsers send) of 32 bytes each.
        _frames = new byte[8 * (6 + Payload)];
        for (int f = 0; f < 8; f++)
        {
            var frame = _frames.AsSpan(f * (6 + Payload), 6 + Payload);
            frame[0] = 0x82;
            frame[1] = 0x80 | Payload;
            frame[2] = 0x11; frame[3] = 0x22; frame[4] = 0x33; frame[5] = 0x44;
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
