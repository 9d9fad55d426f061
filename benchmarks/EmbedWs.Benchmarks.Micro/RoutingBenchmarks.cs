using System;
using System.Collections.Generic;
using System.Text;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using EmbedWs.Routing;
using EmbedWs.Transport;

namespace EmbedWs.Benchmarks.Micro;

public sealed record AddRequest(int A, int B);

public sealed record AddReply(int Sum);

/// <summary>One JSON request through routing: read the envelope, bind the data, write the reply; and all of it through the router.</summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private static readonly byte[] s_request = Encoding.UTF8.GetBytes("{\"type\":\"math.add\",\"id\":7,\"data\":{\"a\":1,\"b\":2}}");
    private readonly NewtonsoftWsSerializer _serializer = new();
    private readonly NullConnection _connection = new();
    private WsEnvelope _envelope;
    private ITextMessageHandler _router = null!;

    [GlobalSetup]
    public void Setup()
    {
        _serializer.TryReadEnvelope(s_request, out _envelope, out _, out _);
        var server = new WsServer(new WsServerOptions());
        server.Route<AddRequest, AddReply>("math.add", (c, r) => new AddReply(r.A + r.B));
        _router = server.TextHandler!;
    }

    [Benchmark]
    public object? Envelope_ReadAndBind()
    {
        _serializer.TryReadEnvelope(s_request, out var envelope, out _, out _);
        return _serializer.ReadData(envelope, typeof(AddRequest));
    }

    [Benchmark]
    public string Reply_Write() => _serializer.WriteMessage("math.add", _envelope.Id, new AddReply(3));

    /// <summary>WsRouter.HandleAsync: envelope, bind, handler, reply serialized and given to SendAsync (which drops it here).</summary>
    [Benchmark]
    public ValueTask Route_Request() => _router.HandleAsync(_connection, new WsMessage(WsMessageType.Text, s_request));

    private sealed class NullConnection : IWsConnection
    {
        public long Id => 1;
        public WsConnectionInfo Info => throw new NotSupportedException();
        public WsConnectionState State => WsConnectionState.Open;
        public IDictionary<string, object?> Items { get; } = new Dictionary<string, object?>();
        public TimeSpan? RoundTripTime => null;
        public System.Threading.CancellationToken Closed => System.Threading.CancellationToken.None;
        public ValueTask<bool> SendAsync(string text) => new(true);
        public ValueTask<bool> SendAsync(ReadOnlyMemory<byte> data) => new(true);
        public ValueTask CloseAsync(ushort code = 1000, string? reason = null) => default;
        public void Abort()
        {
        }
    }
}
