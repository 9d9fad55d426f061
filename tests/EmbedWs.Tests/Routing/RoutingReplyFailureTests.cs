using EmbedWs.Dispatch;
using EmbedWs.Routing;
using EmbedWs.Tests.TestSupport;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Tests.Routing;

// A reply whose serialization throws: user code failing like a handler that throws.
internal sealed class UnserializableReply
{
    public int Value => throw new InvalidOperationException("getter fails");
}

/// <summary>
/// A handler's reply that the serializer cannot write is the handler's error (DESIGN §3:
/// handler exceptions never kill the connection or the server): handler_error, OnError, and
/// the connection goes on, in every dispatch mode (before the fix, the ThreadPool mode let the
/// exception escape a thread-pool work item and end the process).
/// </summary>
[TestFixtureSource(typeof(RoutingSerializers), nameof(RoutingSerializers.Built))]
public class RoutingReplyFailureTests
{
    private readonly TestSerializer _serializer;

    public RoutingReplyFailureTests(TestSerializer serializer) => _serializer = serializer;

    [TestCase(EventDispatch.Inline)]
    [TestCase(EventDispatch.ThreadPool)]
    public async Task Route_SyncReplyCannotBeSerialized_RepliesHandlerErrorAndStaysOpen(EventDispatch mode)
    {
        await using var server = await RoutingFixture.StartAsync(
            _serializer,
            s => s.Route<AddRequest, UnserializableReply>("bad", (c, r) => new UnserializableReply()),
            o => o.Dispatch = mode);

        await AssertHandlerErrorThenServedAsync(server);
    }

    [TestCase(EventDispatch.Inline)]
    [TestCase(EventDispatch.ThreadPool)]
    public async Task Route_AsyncReplyCannotBeSerialized_RepliesHandlerErrorAndStaysOpen(EventDispatch mode)
    {
        await using var server = await RoutingFixture.StartAsync(
            _serializer,
            s => s.Route<AddRequest, UnserializableReply>("bad", async (c, r) =>
            {
                await Task.Yield();
                return new UnserializableReply();
            }),
            o => o.Dispatch = mode);

        await AssertHandlerErrorThenServedAsync(server);
    }

    [Test]
    public async Task Queued_SyncReplyCannotBeSerialized_PumpEventsDoesNotThrow()
    {
        await using var server = await RoutingFixture.StartAsync(
            _serializer,
            s => s.Route<AddRequest, UnserializableReply>("bad", (c, r) => new UnserializableReply()),
            o => o.Dispatch = EventDispatch.Queued);
        using var client = await JsonClient.ConnectAsync(server.Port);
        await client.SendTextAsync("{\"type\":\"bad\",\"id\":1}");
        await client.SendTextAsync(RoutingFixture.Add(2, 1, 1));
        await Poll.UntilAsync(() => server.Server.PendingEvents == 3, "connect and two requests should be waiting");

        Assert.DoesNotThrow(() => server.Server.PumpEvents(), "a reply that cannot be serialized must not escape to the host's loop");

        AssertHandlerError(await client.ReceiveJsonAsync());
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo(RoutingFixture.AddReplyText(2, 2)), "the connection's next request must still run");
    }

    private static async Task AssertHandlerErrorThenServedAsync(RecordingServer server)
    {
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"bad\",\"id\":1}");
        await client.SendTextAsync(RoutingFixture.Add(2, 1, 1));

        AssertHandlerError(await client.ReceiveJsonAsync());
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo(RoutingFixture.AddReplyText(2, 2)));
        var (_, raised) = await server.NextErrorAsync();
        Assert.That(raised, Is.TypeOf<WsRoutingException>().With.Property(nameof(WsRoutingException.Code)).EqualTo(WsRoutingErrors.HandlerError));
    }

    private static void AssertHandlerError(JObject reply)
    {
        Assert.That((string?)reply["type"], Is.EqualTo("error"), "expected an error reply for request 1, got " + reply);
        Assert.That((int?)reply["id"], Is.EqualTo(1), reply.ToString());
        Assert.That((string?)reply["error"]?["code"], Is.EqualTo(WsRoutingErrors.HandlerError), reply.ToString());
    }
}
