using System.Collections.Concurrent;
using System.Collections.Generic;
using EmbedWs.Routing;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Routing;

/// <summary>Routes, replies and typed sends over real sockets (DESIGN §5).</summary>
[TestFixtureSource(typeof(RoutingSerializers), nameof(RoutingSerializers.Built))]
public class WsRoutingExtensionsTests
{
    private readonly TestSerializer _serializer;

    public WsRoutingExtensionsTests(TestSerializer serializer) => _serializer = serializer;

    private static readonly TimeSpan Timeout = RecordingServer.Timeout;

    [Test]
    public async Task Route_FireAndForget_HandlerReceivesBoundData()
    {
        var got = new TaskCompletionSource<ChatSend>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RoutingFixture.StartAsync(_serializer, s => s.Route<ChatSend>("chat.send", (c, m) => got.TrySetResult(m)));
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"chat.send\",\"data\":{\"text\":\"hi\",\"room\":\"lobby\"}}");

        Assert.That(await got.Task.WaitAsync(Timeout), Is.EqualTo(new ChatSend("hi", "lobby")));
        await RoutingFixture.AssertStillRoutesAsync(client);
    }

    [Test]
    public async Task Route_RequestWithNumericId_RepliesCamelCaseWithSameTypeAndNumericId()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer);
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"math.add\",\"id\":7,\"data\":{\"a\":1,\"b\":2}}");

        var reply = await client.ReceiveTextAsync();
        Assert.That(reply, Is.EqualTo("{\"type\":\"math.add\",\"id\":7,\"data\":{\"sum\":3}}"));
        Assert.That(reply, Does.Contain("\"id\":7"));
    }

    [Test]
    public async Task Route_RequestWithStringId_EchoesIdAsString()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer);
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"math.add\",\"id\":\"abc\",\"data\":{\"a\":1,\"b\":2}}");

        var reply = await client.ReceiveTextAsync();
        Assert.That(reply, Is.EqualTo("{\"type\":\"math.add\",\"id\":\"abc\",\"data\":{\"sum\":3}}"));
        Assert.That(reply, Does.Contain("\"id\":\"abc\""));
    }

    [Test]
    public async Task Route_StringIdThatLooksNumeric_StaysAString()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer);
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"math.add\",\"id\":\"7\",\"data\":{\"a\":1,\"b\":2}}");

        Assert.That(await client.ReceiveTextAsync(), Does.Contain("\"id\":\"7\""));
    }

    [Test]
    public async Task Route_AsyncFireAndForgetHandler_RunsToCompletion()
    {
        var got = new TaskCompletionSource<ChatSend>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RoutingFixture.StartAsync(_serializer, s => s.Route<ChatSend>("chat.send", async (c, m) =>
        {
            await Task.Yield();
            await Task.Delay(1);
            got.TrySetResult(m);
        }));
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"chat.send\",\"data\":{\"text\":\"later\",\"room\":\"r\"}}");

        Assert.That(await got.Task.WaitAsync(Timeout), Is.EqualTo(new ChatSend("later", "r")));
    }

    [Test]
    public async Task Route_AsyncRequestHandler_RepliesWithTaskResult()
    {
        await using var server = await RecordingServer.StartAsync(RoutingFixture.Use(_serializer), wire: s => s.Route<AddRequest, AddReply>("math.add", async (c, r) =>
        {
            await Task.Yield();
            await Task.Delay(1);
            return new AddReply(r.A + r.B);
        }));
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync(RoutingFixture.Add(3, 20, 22));

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo(RoutingFixture.AddReplyText(3, 42)));
    }

    [Test]
    public void Route_SameTypeTwice_ThrowsArgumentException()
    {
        var server = new WsServer(new WsServerOptions());
        server.Route<AddRequest, AddReply>("math.add", (c, r) => new AddReply(0));

        Assert.Throws<ArgumentException>(() => server.Route<ChatSend>("math.add", (c, m) => { }));
    }

    [Test]
    public void Route_ErrorType_ThrowsArgumentException()
    {
        var server = new WsServer(new WsServerOptions());

        Assert.Throws<ArgumentException>(() => server.Route<ChatSend>("error", (c, m) => { }));
        Assert.Throws<ArgumentException>(() => server.Route<AddRequest, AddReply>("error", (c, r) => new AddReply(0)));
    }

    [Test]
    public async Task Route_BinaryMessageWhileRoutesExist_ReachesOnMessage()
    {
        var got = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RoutingFixture.StartAsync(_serializer, s => s.OnMessage += (c, m) =>
        {
            if (!m.IsText)
            {
                got.TrySetResult(m.ToArray());
            }
        });
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendBinaryAsync(new byte[] { 1, 2, 3 });

        Assert.That(await got.Task.WaitAsync(Timeout), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public async Task Route_UnknownTypeWithUnroutedTextToOnMessage_GoesToOnMessageWithoutReply()
    {
        var texts = new ConcurrentQueue<string>();
        await using var server = await RoutingFixture.StartAsync(_serializer, s =>
        {
            s.Options.UnroutedTextToOnMessage = true;
            s.OnMessage += (c, m) => texts.Enqueue(m.Text);
        });
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"nobody.home\",\"id\":1}");
        await client.SendTextAsync("plain text");
        await RoutingFixture.AssertStillRoutesAsync(client, id: 2);

        Assert.That(texts, Is.EqualTo(new[] { "{\"type\":\"nobody.home\",\"id\":1}", "plain text" }));
    }

    [Test]
    public async Task BroadcastJson_TypeAndDataWithoutAnyRoute_TextStillReachesOnMessage()
    {
        var got = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RecordingServer.StartAsync(RoutingFixture.Use(_serializer), wire: s => s.OnMessage += (c, m) => got.TrySetResult(m.Text));
        using var client = await JsonClient.ConnectAsync(server.Port);
        await server.NextConnectionAsync();

        // With no route, text is the application's: a JSON send does not change that.
        Assert.That(server.Server.BroadcastJson("news", new ChatMessage("ann", "up")), Is.EqualTo(1));
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"news\",\"data\":{\"from\":\"ann\",\"text\":\"up\"}}"));
        await client.SendTextAsync("{\"type\":\"anything\"}");

        Assert.That(await got.Task.WaitAsync(Timeout), Is.EqualTo("{\"type\":\"anything\"}"));
    }

    [Test]
    public async Task BroadcastJson_TypeAndData_ReachesEveryClient()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer);
        var clients = new List<JsonClient>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                clients.Add(await JsonClient.ConnectAsync(server.Port));
                await server.NextConnectionAsync();
            }

            int sent = server.Server.BroadcastJson("chat.message", new ChatMessage("ann", "hello all"));

            Assert.That(sent, Is.EqualTo(3));
            foreach (var client in clients)
            {
                Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"chat.message\",\"data\":{\"from\":\"ann\",\"text\":\"hello all\"}}"));
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Test]
    public async Task BroadcastJson_FromRouteHandlerExceptSender_ReachesOthersOnly()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer, s => s.Route<ChatSend>("chat.send", (c, m) =>
        {
            s.BroadcastJson("chat.message", new ChatMessage(c.Id.ToString(), m.Text), except: c);
        }));
        using var sender = await JsonClient.ConnectAsync(server.Port);
        var senderConnection = await server.NextConnectionAsync();
        using var other = await JsonClient.ConnectAsync(server.Port);
        await server.NextConnectionAsync();

        await sender.SendTextAsync("{\"type\":\"chat.send\",\"data\":{\"text\":\"yo\",\"room\":\"r\"}}");

        var pushed = await other.ReceiveJsonAsync();
        Assert.That((string?)pushed["type"], Is.EqualTo("chat.message"));
        Assert.That((string?)pushed["data"]!["from"], Is.EqualTo(senderConnection.Id.ToString()));
        // The sender got nothing: its next message is the reply to its next request.
        await RoutingFixture.AssertStillRoutesAsync(sender);
    }

    [Test]
    public async Task SendJson_TypeAndData_PushesEnvelopeWithoutId()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer);
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        Assert.That(connection.SendJson("welcome", new ChatMessage("server", "hi")), Is.True);

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"welcome\",\"data\":{\"from\":\"server\",\"text\":\"hi\"}}"));
    }

    [Test]
    public async Task Route_FireAndForgetWithId_RepliesWithNullData()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer, s => s.Route<ChatSend>("chat.send", (c, m) => { }));
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"chat.send\",\"id\":8,\"data\":{\"text\":\"x\",\"room\":\"r\"}}");

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"chat.send\",\"id\":8,\"data\":null}"));
    }

    [Test]
    public async Task Route_RegisteredWhileRunning_RoutesLaterMessages()
    {
        var texts = new ConcurrentQueue<string>();
        await using var server = await RecordingServer.StartAsync(RoutingFixture.Use(_serializer), wire: s => s.OnMessage += (c, m) => texts.Enqueue(m.Text));
        using var client = await JsonClient.ConnectAsync(server.Port);
        await client.SendTextAsync("before any route");
        await Poll.UntilAsync(() => texts.Count == 1, "text should reach OnMessage while nothing is routed");

        server.Server.Route<AddRequest, AddReply>("math.add", (c, r) => new AddReply(r.A + r.B));

        await RoutingFixture.AssertStillRoutesAsync(client);
        Assert.That(texts, Is.EqualTo(new[] { "before any route" }));
    }
}
