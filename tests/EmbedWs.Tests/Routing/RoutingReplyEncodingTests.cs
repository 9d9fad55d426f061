using EmbedWs.Routing;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Routing;

internal sealed record EchoText(string Text);

/// <summary>
/// Replies and error replies are written into a pooled buffer and queued as UTF-8 without a
/// string: what reaches the client is exactly what the serializer's string would have been.
/// </summary>
[TestFixtureSource(typeof(RoutingSerializers), nameof(RoutingSerializers.Built))]
public class RoutingReplyEncodingTests
{
    private readonly TestSerializer _serializer;

    public RoutingReplyEncodingTests(TestSerializer serializer) => _serializer = serializer;

    [TestCase("plain")]
    [TestCase("é ü ß € 😀 中文")]
    [TestCase("quote \" backslash \\ newline \n tab \t")]
    public async Task Reply_NonAsciiAndEscapes_ArriveAsTheSerializerWritesThem(string text)
    {
        await using var server = await RoutingFixture.StartAsync(_serializer, s => s.Route<EchoText, EchoText>("echo", (c, r) => r));
        using var client = await JsonClient.ConnectAsync(server.Port);
        string expected = RoutingSerializers.Create(_serializer).WriteMessage("echo", 1L, new EchoText(text));

        await client.SendTextAsync(RoutingSerializers.Create(_serializer).WriteMessage("echo", 1L, new EchoText(text)));

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo(expected));
    }

    [TestCase(300)]
    [TestCase(100_000)]
    public async Task Reply_LargerThanTheFirstBuffer_ArrivesWhole(int length)
    {
        string big = new string('x', length - 1) + "é";
        await using var server = await RoutingFixture.StartAsync(_serializer, s => s.Route<EchoText, EchoText>("big", (c, r) => new EchoText(big)));
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"big\",\"id\":\"b\"}");

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"big\",\"id\":\"b\",\"data\":{\"text\":\"" + big + "\"}}"));
        await RoutingFixture.AssertStillRoutesAsync(client);
    }

    [Test]
    public async Task Reply_ManyInARow_EachWhole()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer);
        using var client = await JsonClient.ConnectAsync(server.Port);

        for (int i = 0; i < 50; i++)
        {
            await client.SendTextAsync(RoutingFixture.Add(i, i, 1000));
        }

        for (int i = 0; i < 50; i++)
        {
            Assert.That(await client.ReceiveTextAsync(), Is.EqualTo(RoutingFixture.AddReplyText(i, i + 1000)));
        }
    }

    [Test]
    public async Task ErrorReply_NonAsciiType_ArrivesAsTheSerializerWritesIt()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer);
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"nö.röute\",\"id\":\"é\"}");

        string expected = RoutingSerializers.Create(_serializer).WriteError("é", WsRoutingErrors.UnknownType, "No route for type \"nö.röute\".");
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo(expected));
    }
}
