using System.Collections.Concurrent;
using System.Collections.Generic;
using EmbedWs.Tests.Routing;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Heartbeat;

/// <summary>
/// A client's JSON ping is answered with every heartbeat policy (DESIGN §6), so a browser can
/// always find out that the server went silent; "ping", "pong" and "error" cannot be routed.
/// </summary>
public class JsonPingTests
{
    private static IEnumerable<TestCaseData> Policies()
    {
        yield return new TestCaseData(HeartbeatPolicy.PingPong()).SetArgDisplayNames("PingPong");
        yield return new TestCaseData(HeartbeatPolicy.JsonPingPong()).SetArgDisplayNames("JsonPingPong");
        yield return new TestCaseData(HeartbeatPolicy.IdleTimeout()).SetArgDisplayNames("IdleTimeout");
        yield return new TestCaseData(HeartbeatPolicy.None).SetArgDisplayNames("None");
    }

    [TestCaseSource(nameof(Policies))]
    public async Task ClientPing_AnyPolicy_AnsweredWithPong_IdEchoedAsItCame(IHeartbeatPolicy policy)
    {
        var texts = new ConcurrentQueue<string>();
        await using var server = await RecordingServer.StartAsync(o => o.Heartbeat = policy, s => s.OnMessage += (c, m) => texts.Enqueue(m.Text));
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"ping\"}");
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"pong\"}"));
        await client.SendTextAsync("{\"type\":\"ping\",\"id\":7}");
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"pong\",\"id\":7}"));
        await client.SendTextAsync("{ \"id\" : \"a\\u0062\" , \"type\" : \"ping\" }");
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"pong\",\"id\":\"a\\u0062\"}"));

        // A barrier: this text is handled after the pings were, and it is the only one handled.
        await client.SendTextAsync("hello");
        await Poll.UntilAsync(() => texts.Count == 1, "the plain text should reach OnMessage");
        Assert.That(texts, Is.EqualTo(new[] { "hello" }), "pings never reach OnMessage");
    }

    [Test]
    public async Task ClientPing_WithRoutes_AnsweredAndNotRouted_AndPongIsTakenQuietly()
    {
        await using var server = await RoutingFixture.StartAsync();
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"pong\",\"id\":1}");
        await client.SendTextAsync("{\"type\":\"ping\",\"id\":2}");

        // No unknown_type error for either: the first answer is the pong.
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"pong\",\"id\":2}"));
        await RoutingFixture.AssertStillRoutesAsync(client);
        Assert.That(server.HasErrors, Is.False);
    }

    [Test]
    public async Task PingLookalikes_AreTheApplicationsText()
    {
        var texts = new ConcurrentQueue<string>();
        await using var server = await RecordingServer.StartAsync(wire: s => s.OnMessage += (c, m) => texts.Enqueue(m.Text));
        using var client = await JsonClient.ConnectAsync(server.Port);
        string[] lookalikes =
        {
            "\"ping\"",                                 // not an object
            "{\"type\":\"pingpong\"}",                  // another type
            "{\"type\":\"ping\",\"id\":{\"a\":1}}",     // an id that is not a string or number
            "{\"type\":\"ping\"",                        // not JSON
            "{\"kind\":\"ping\"}",                      // no type
        };

        foreach (var text in lookalikes)
        {
            await client.SendTextAsync(text);
        }

        await Poll.UntilAsync(() => texts.Count == lookalikes.Length, "every lookalike should reach OnMessage");
        Assert.That(texts, Is.EqualTo(lookalikes));
    }

    [TestCase("ping")]
    [TestCase("pong")]
    [TestCase("error")]
    public void Route_ReservedType_ThrowsAtRegistration(string type)
    {
        var server = new WsServer(new WsServerOptions());

        var error = Assert.Throws<ArgumentException>(() => server.Route<object>(type, (c, d) => { }));
        Assert.That(error!.Message, Does.Contain($"\"{type}\" is reserved"));
    }
}
