using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using EmbedWs.Dispatch;
using EmbedWs.Routing;

namespace EmbedWs.Benchmarks.Micro;

/// <summary>
/// One routed request through the whole engine: a real EmbedWs server on 127.0.0.1 (Inline
/// dispatch, no heartbeat, one math.add route) and a blocking raw-socket client that sends
/// {"type":"math.add","id":7,"data":{"a":1,"b":2}} and reads the reply. The client allocates
/// nothing, so "Allocated" is what the server allocates per routed request (frame, envelope,
/// binding, handler, reply, send).
/// </summary>
[MemoryDiagnoser]
public class RouteLoopbackBenchmarks
{
    private static readonly byte[] s_request = Encoding.UTF8.GetBytes("{\"type\":\"math.add\",\"id\":7,\"data\":{\"a\":1,\"b\":2}}");
    private static readonly int s_replyFrame = 2 + "{\"type\":\"math.add\",\"id\":7,\"data\":{\"sum\":3}}".Length;
    private WsServer _server = null!;
    private Socket _client = null!;
    private byte[] _frame = Array.Empty<byte>();
    private readonly byte[] _receive = new byte[64 * 1024];

    [GlobalSetup]
    public void Setup()
    {
        _server = new WsServer(new WsServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            Dispatch = EventDispatch.Inline,
            Heartbeat = Heartbeat.Heartbeat.None,
        });
        _server.Route<AddRequest, AddReply>("math.add", (c, r) => new AddReply(r.A + r.B));
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

        // One masked text frame (a non-zero key, as browsers send).
        byte[] key = { 0x11, 0x22, 0x33, 0x44 };
        _frame = new byte[6 + s_request.Length];
        _frame[0] = 0x81;
        _frame[1] = (byte)(0x80 | s_request.Length);
        key.CopyTo(_frame, 2);
        for (int i = 0; i < s_request.Length; i++)
        {
            _frame[6 + i] = (byte)(s_request[i] ^ key[i % 4]);
        }
    }

    [Benchmark]
    public void Route_RoundTrip()
    {
        _client.Send(_frame, 0, _frame.Length, SocketFlags.None);
        int got = 0;
        while (got < s_replyFrame)
        {
            got += _client.Receive(_receive, got, _receive.Length - got, SocketFlags.None);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _server.StopAsync().GetAwaiter().GetResult();
    }
}
