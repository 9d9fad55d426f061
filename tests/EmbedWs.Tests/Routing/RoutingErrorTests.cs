using System.Collections.Generic;
using System.Threading;
using EmbedWs.Routing;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Tests.Routing;

/// <summary>Every routing error code (DESIGN §5): the reply, OnError, and the connection staying open.</summary>
[TestFixtureSource(typeof(RoutingSerializers), nameof(RoutingSerializers.Built))]
public class RoutingErrorTests
{
    private readonly TestSerializer _serializer;

    public RoutingErrorTests(TestSerializer serializer) => _serializer = serializer;

    private static readonly TimeSpan Timeout = RecordingServer.Timeout;

    [Test]
    public async Task Route_InvalidJson_RepliesInvalidJsonEvenWithoutId()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer);
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"math.add\",");

        var error = await client.ReceiveJsonAsync();
        AssertError(error, WsRoutingErrors.InvalidJson);
        Assert.That(error.ContainsKey("id"), Is.False);
        await RoutingFixture.AssertStillRoutesAsync(client);
    }

    [TestCase("[1,2,3]", TestName = "Route_InvalidEnvelopeArrayRoot_RepliesInvalidEnvelope")]
    [TestCase("{\"id\":1,\"data\":{}}", TestName = "Route_InvalidEnvelopeMissingType_RepliesInvalidEnvelope")]
    [TestCase("{\"type\":5,\"id\":1}", TestName = "Route_InvalidEnvelopeNumericType_RepliesInvalidEnvelope")]
    [TestCase("{\"type\":\"math.add\",\"id\":{\"n\":1},\"data\":{\"a\":1,\"b\":2}}", TestName = "Route_InvalidEnvelopeObjectId_RepliesInvalidEnvelope")]
    public async Task Route_InvalidEnvelope_RepliesInvalidEnvelope(string text)
    {
        await using var server = await RoutingFixture.StartAsync(_serializer);
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync(text);

        AssertError(await client.ReceiveJsonAsync(), WsRoutingErrors.InvalidEnvelope);
        var (_, raised) = await server.NextErrorAsync();
        Assert.That(raised, Is.TypeOf<WsRoutingException>().With.Property(nameof(WsRoutingException.Code)).EqualTo(WsRoutingErrors.InvalidEnvelope));
        await RoutingFixture.AssertStillRoutesAsync(client);
    }

    [Test]
    public async Task Route_UnknownType_RepliesUnknownTypeError()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer);
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"nobody.home\",\"id\":9,\"data\":{}}");

        var text = await client.ReceiveTextAsync();
        Assert.That(text, Does.StartWith("{\"type\":\"error\",\"id\":9,\"error\":{\"code\":\"unknown_type\""));
        await RoutingFixture.AssertStillRoutesAsync(client);
    }

    [Test]
    public async Task Route_UnknownTypeWithoutId_NoReplyButOnErrorRaised()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer);
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        await client.SendTextAsync("{\"type\":\"nobody.home\",\"data\":{}}");
        // The next message the client gets must be the reply to this request, not an error.
        await RoutingFixture.AssertStillRoutesAsync(client, id: 1);

        var (raisedFor, raised) = await server.NextErrorAsync();
        Assert.That(raisedFor, Is.SameAs(connection));
        var routing = raised as WsRoutingException;
        Assert.That(routing, Is.Not.Null, raised.ToString());
        Assert.That(routing!.Code, Is.EqualTo(WsRoutingErrors.UnknownType));
        Assert.That(routing.MessageType, Is.EqualTo("nobody.home"));
    }

    [Test]
    public async Task Route_DataIsStringWhereObjectExpected_RepliesInvalidData()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer);
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"math.add\",\"id\":4,\"data\":\"one plus two\"}");

        var error = await client.ReceiveJsonAsync();
        AssertError(error, WsRoutingErrors.InvalidData);
        Assert.That((int?)error["id"], Is.EqualTo(4));
        await RoutingFixture.AssertStillRoutesAsync(client);
    }

    [Test]
    public async Task Route_HandlerThrows_RepliesHandlerErrorWithoutExceptionText()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer, Throwing);
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"boom\",\"id\":5,\"data\":{\"a\":1,\"b\":2}}");

        var error = await client.ReceiveJsonAsync();
        AssertError(error, WsRoutingErrors.HandlerError);
        Assert.That((int?)error["id"], Is.EqualTo(5));
        Assert.That(error.ToString(), Does.Not.Contain("secret"));
        var (_, raised) = await server.NextErrorAsync();
        Assert.That(raised, Is.TypeOf<WsRoutingException>());
        Assert.That(raised.InnerException?.Message, Is.EqualTo("secret connection string"));
        await RoutingFixture.AssertStillRoutesAsync(client);
    }

    [Test]
    public async Task Route_HandlerThrowsWithShowExceptionDetails_RepliesExceptionText()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer, s =>
        {
            s.Options.ShowExceptionDetails = true;
            Throwing(s);
        });
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"boom\",\"id\":5,\"data\":{\"a\":1,\"b\":2}}");

        var error = await client.ReceiveJsonAsync();
        AssertError(error, WsRoutingErrors.HandlerError);
        Assert.That((string?)error["error"]!["message"], Does.Contain("secret connection string"));
        await RoutingFixture.AssertStillRoutesAsync(client);
    }

    [Test]
    public async Task Route_AsyncHandlerThrows_RepliesHandlerError()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer, s => s.Route<AddRequest, AddReply>("boom.later", async (c, r) =>
        {
            await Task.Yield();
            throw new InvalidOperationException("secret");
        }));
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"boom.later\",\"id\":6}");

        AssertError(await client.ReceiveJsonAsync(), WsRoutingErrors.HandlerError);
        await RoutingFixture.AssertStillRoutesAsync(client);
    }

    [Test]
    public async Task Route_HandlerPastHandlerTimeout_ClosesWith1011_NextRequestNeverOvertakesIt_HandlerSeesClosed()
    {
        var closedSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int added = 0;
        await using var server = await RoutingFixture.StartAsync(_serializer, s =>
        {
            s.Options.HandlerTimeout = TimeSpan.FromMilliseconds(200);
            s.Route<AddRequest, AddReply>("slow", async (c, r) =>
            {
                entered.TrySetResult();
                try
                {
                    await Task.Delay(System.Threading.Timeout.Infinite, c.Closed);
                }
                catch (OperationCanceledException)
                {
                    closedSeen.TrySetResult();
                }

                return new AddReply(0);
            });
            s.Route<AddRequest, AddReply>("count", (c, r) =>
            {
                Interlocked.Increment(ref added);
                return new AddReply(r.A + r.B);
            });
        });
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        using var other = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"slow\",\"id\":1}");
        await client.SendTextAsync("{\"type\":\"count\",\"id\":2}");
        await entered.Task.WaitAsync(Timeout);

        // Another connection is served while this one's handler hangs.
        await other.SendTextAsync("{\"type\":\"count\",\"id\":3}");
        Assert.That(await other.ReceiveTextAsync(), Does.Contain("\"id\":3"));

        // The order promise holds: the request behind the slow one is never handled before it;
        // the connection is closed with 1011 instead, and the handler's Closed token fires.
        var (status, reason) = await client.ReceiveCloseAsync();
        Assert.That(status, Is.EqualTo(System.Net.WebSockets.WebSocketCloseStatus.InternalServerError));
        Assert.That(reason, Is.EqualTo("handler timeout"));
        await closedSeen.Task.WaitAsync(Timeout);
        var close = await server.CloseOfAsync(connection);
        Assert.That(close.Cause, Is.EqualTo(WsCloseCause.HandlerTimeout));
        Assert.That(Volatile.Read(ref added), Is.EqualTo(1), "only the other connection's request was handled");
        await RoutingFixture.AssertStillRoutesAsync(other);
    }

    [Test]
    public async Task Route_AsyncHandlerPending_OtherConnectionsAreServed()
    {
        var gate = new TaskCompletionSource<AddReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RoutingFixture.StartAsync(_serializer, s => s.Route<AddRequest, AddReply>("slow", (c, r) =>
        {
            entered.TrySetResult();
            return gate.Task;
        }));
        using var client = await JsonClient.ConnectAsync(server.Port);
        using var other = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"slow\",\"id\":1}");
        await entered.Task.WaitAsync(Timeout);
        await RoutingFixture.AssertStillRoutesAsync(other, id: 2);
        await RoutingFixture.AssertStillRoutesAsync(other, id: 3);
        gate.SetResult(new AddReply(11));

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"slow\",\"id\":1,\"data\":{\"sum\":11}}"));
    }

    [Test]
    public async Task Route_EveryErrorInARow_ConnectionStaysOpen()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer, Throwing);
        using var client = await JsonClient.ConnectAsync(server.Port);
        string[] bad =
        {
            "not json", "[]", "{\"type\":\"\"}", "{\"type\":\"nope\",\"id\":1}",
            "{\"type\":\"math.add\",\"id\":2,\"data\":\"x\"}", "{\"type\":\"boom\",\"id\":3}",
        };
        string[] codes =
        {
            WsRoutingErrors.InvalidJson, WsRoutingErrors.InvalidEnvelope, WsRoutingErrors.InvalidEnvelope,
            WsRoutingErrors.UnknownType, WsRoutingErrors.InvalidData, WsRoutingErrors.HandlerError,
        };

        foreach (var text in bad)
        {
            await client.SendTextAsync(text);
        }

        var got = new List<string>();
        for (int i = 0; i < bad.Length; i++)
        {
            got.Add((string)(await client.ReceiveJsonAsync())["error"]!["code"]!);
        }

        Assert.That(got, Is.EqualTo(codes));
        await RoutingFixture.AssertStillRoutesAsync(client);
        Assert.That(server.Server.ConnectionCount, Is.EqualTo(1));
    }

    // A throwing lambda fits both the sync and the Task<T> overload; a method group picks the sync one.
    private static void Throwing(WsServer server) => server.Route<AddRequest, AddReply>("boom", Boom);

    private static AddReply Boom(IWsConnection connection, AddRequest request) =>
        throw new InvalidOperationException("secret connection string");

    private static void AssertError(JObject reply, string code)
    {
        Assert.That((string?)reply["type"], Is.EqualTo("error"), reply.ToString());
        Assert.That((string?)reply["error"]?["code"], Is.EqualTo(code), reply.ToString());
        Assert.That((string?)reply["error"]?["message"], Is.Not.Empty, reply.ToString());
    }

    [Test]
    public async Task Route_FireAndForgetHandlerThrowsWithoutId_NoReplyButOnErrorRaised()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer, s => s.Route<ChatSend>("chat.send", (c, m) => throw new InvalidOperationException("oops")));
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"chat.send\",\"data\":{\"text\":\"x\",\"room\":\"r\"}}");
        await RoutingFixture.AssertStillRoutesAsync(client, id: 1);

        var (_, raised) = await server.NextErrorAsync();
        Assert.That(raised, Is.TypeOf<WsRoutingException>().With.Property(nameof(WsRoutingException.Code)).EqualTo(WsRoutingErrors.HandlerError));
        Assert.That(raised.InnerException?.Message, Is.EqualTo("oops"));
    }
}

/// <summary>A handler's own error answer (WsReplyException): its code and message, no OnError.</summary>
[TestFixtureSource(typeof(RoutingSerializers), nameof(RoutingSerializers.Built))]
public class RoutingReplyExceptionTests
{
    private readonly TestSerializer _serializer;

    public RoutingReplyExceptionTests(TestSerializer serializer) => _serializer = serializer;

    [Test]
    public async Task Route_HandlerThrowsWsReplyException_RepliesItsCodeAndMessage_NoOnError()
    {
        await using var server = await RoutingFixture.StartAsync(
            _serializer,
            s => s.Route<AddRequest, AddReply>("nick.set", (c, r) => r.A == 0 ? throw new WsReplyException("name_taken", "ann is taken") : new AddReply(0)));
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"nick.set\",\"id\":\"n1\",\"data\":{}}");

        var text = await client.ReceiveTextAsync();
        Assert.That(text, Is.EqualTo("{\"type\":\"error\",\"id\":\"n1\",\"error\":{\"code\":\"name_taken\",\"message\":\"ann is taken\"}}"));
        await RoutingFixture.AssertStillRoutesAsync(client);
        Assert.That(server.HasErrors, Is.False);
    }
}
