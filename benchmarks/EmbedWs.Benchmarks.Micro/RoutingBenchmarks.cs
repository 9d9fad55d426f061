using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Text.Json.Serialization;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using EmbedWs.Routing;
using EmbedWs.Transport;

namespace EmbedWs.Benchmarks.Micro;

public sealed record AddRequest(int A, int B);

public sealed record AddReply(int Sum);

[JsonSerializable(typeof(AddRequest))]
[JsonSerializable(typeof(AddReply))]
public sealed partial class BenchJsonContext : JsonSerializerContext
{
}

/// <summary>
/// One JSON request through routing: read the envelope, bind the data, write the reply; and all
/// of it through the router. With each built-in serializer (System.Text.Json on a source-generated context).
/// </summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private static readonly byte[] s_request = Encoding.UTF8.GetBytes("{\"type\":\"math.add\",\"id\":7,\"data\":{\"a\":1,\"b\":2}}");
    private readonly NullConnection _connection = new();
    private readonly ArrayBufferWriter<byte> _output = new(256);
    private IWsJsonSerializer _serializer = null!;
    private WsEnvelope _envelope;
    private WsRouter _router = null!;

    [Params("Newtonsoft", "SystemTextJson")]
    public string Serializer { get; set; } = "Newtonsoft";

    [GlobalSetup]
    public void Setup()
    {
        _serializer = Serializer == "Newtonsoft" ? new NewtonsoftWsSerializer() : new SystemTextJsonWsSerializer(BenchJsonContext.Default);
        _serializer.TryReadEnvelope(s_request, out _envelope, out _, out _);
        _router = new WsRouter(new NullHost());
        _router.Add("math.add", new RequestRoute<AddRequest, AddReply>((c, r) => new AddReply(r.A + r.B)));
        _router.Start(new WsServerOptions { JsonSerializer = _serializer }.Freeze(), metrics: null);
    }

    [Benchmark]
    public object? Envelope_ReadAndBind()
    {
        _serializer.TryReadEnvelope(s_request, out var envelope, out _, out _);
        return _serializer.ReadData(envelope, typeof(AddRequest));
    }

    [Benchmark]
    public int Reply_Write()
    {
        _output.ResetWrittenCount();
        _serializer.WriteMessage(_output, "math.add", _envelope.Id, new AddReply(3));
        return _output.WrittenCount;
    }

    /// <summary>WsRouter.HandleAsync: envelope, bind, handler, reply serialized and given to the host (which drops it here).</summary>
    [Benchmark]
    public ValueTask Route_Request() => _router.HandleAsync(_connection, new WsMessage(WsMessageType.Text, s_request));

    private sealed class NullHost : IRouteHost
    {
        public ValueTask RaiseMessageAsync(IWsConnection connection, WsMessage message) => default;

        public void RaiseError(IWsConnection? connection, Exception exception)
        {
        }

        public void SendText(IWsConnection connection, ReadOnlySpan<byte> utf8)
        {
        }
    }

    private sealed class NullConnection : IWsConnection
    {
        public long Id => 1;
        public WsConnectionInfo Info => throw new NotSupportedException();
        public WsConnectionState State => WsConnectionState.Open;
        public IDictionary<string, object?> Items { get; } = new Dictionary<string, object?>();
        public TimeSpan? RoundTripTime => null;
        public System.Threading.CancellationToken Closed => System.Threading.CancellationToken.None;
        public bool Send(string text) => true;
        public bool Send(ReadOnlyMemory<byte> data) => true;
        public bool SendJson(string type, object? data) => true;
        public bool Send(string text, WsDelivery delivery) => true;
        public bool Send(ReadOnlyMemory<byte> data, WsDelivery delivery) => true;
        public bool SendJson(string type, object? data, WsDelivery delivery) => true;
        public int SendQueueBytes => 0;
        public bool IsCongested => false;
        public long MessagesDropped => 0;
        public long MessagesReplaced => 0;
        public ValueTask<bool> WhenUncongestedAsync(System.Threading.CancellationToken cancellationToken = default) => new(true);
        public ValueTask<bool> FlushAsync(System.Threading.CancellationToken cancellationToken = default) => new(true);
        public void Close(ushort code = 1000, string? reason = null)
        {
        }

        public void Abort()
        {
        }
    }
}
