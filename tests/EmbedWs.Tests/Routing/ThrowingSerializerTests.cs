using System.Buffers;
using System.Text;
using EmbedWs.Dispatch;
using EmbedWs.Routing;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Routing;

/// <summary>
/// A plugged-in IWsJsonSerializer that throws (a bug in user code, against its contract): the
/// fault is raised on OnError, the connection stays open and routes its next message, in every
/// dispatch mode that runs handlers off the caller.
/// </summary>
public class ThrowingSerializerTests
{
    [TestCase(EventDispatch.Inline)]
    [TestCase(EventDispatch.ThreadPool)]
    public async Task TryReadEnvelopeThrows_RaisedOnOnError_ConnectionGoesOn(EventDispatch mode)
    {
        await using var server = await StartAsync(mode, new FaultySerializer { ThrowOnReadOf = "explode" });
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        await client.SendTextAsync("{\"type\":\"explode\",\"id\":1}");
        var (errorConnection, error) = await server.NextErrorAsync();

        Assert.That(error.Message, Is.EqualTo("serializer read failed"));
        Assert.That(errorConnection, Is.SameAs(connection));
        await RoutingFixture.AssertStillRoutesAsync(client);
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
    }

    [TestCase(EventDispatch.Inline)]
    [TestCase(EventDispatch.ThreadPool)]
    public async Task WriteErrorThrows_RaisedOnOnError_ConnectionGoesOn(EventDispatch mode)
    {
        await using var server = await StartAsync(mode, new FaultySerializer { ThrowOnWriteError = true });
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        // An unknown type with an id is answered with an error reply: writing it throws.
        await client.SendTextAsync("{\"type\":\"nobody.routes.this\",\"id\":1}");
        var (errorConnection, error) = await server.NextErrorAsync();

        Assert.That(error.Message, Is.EqualTo("serializer write failed"));
        Assert.That(errorConnection, Is.SameAs(connection));
        await RoutingFixture.AssertStillRoutesAsync(client);
    }

    private static Task<RecordingServer> StartAsync(EventDispatch mode, IWsJsonSerializer serializer) =>
        RoutingFixture.StartAsync(s => s.Options.JsonSerializer = serializer, o => o.Dispatch = mode);

    // The default serializer, failing where told to.
    private sealed class FaultySerializer : IWsJsonSerializer
    {
        private readonly NewtonsoftWsSerializer _inner = new();

        public string? ThrowOnReadOf { get; init; }

        public bool ThrowOnWriteError { get; init; }

        public bool TryReadEnvelope(ReadOnlySpan<byte> utf8, out WsEnvelope envelope, out string? errorCode, out string? errorMessage)
        {
            if (ThrowOnReadOf is { } marker && Encoding.UTF8.GetString(utf8).Contains(marker))
            {
                throw new InvalidOperationException("serializer read failed");
            }

            return _inner.TryReadEnvelope(utf8, out envelope, out errorCode, out errorMessage);
        }

        public object? ReadData(in WsEnvelope envelope, Type type) => _inner.ReadData(envelope, type);

        public void WriteMessage(IBufferWriter<byte> output, string type, object? id, object? data) => _inner.WriteMessage(output, type, id, data);

        public void WriteError(IBufferWriter<byte> output, object? id, string code, string message)
        {
            if (ThrowOnWriteError)
            {
                throw new InvalidOperationException("serializer write failed");
            }

            _inner.WriteError(output, id, code, message);
        }
    }
}
