using System;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
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
        (_server, _client) = LoopbackClient.Start(
            server => server.Route<AddRequest, AddReply>("math.add", (c, r) => new AddReply(r.A + r.B)), _receive);
        _frame = new byte[6 + s_request.Length];
        LoopbackClient.WriteMaskedFrame(_frame, 0x1, s_request);
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
