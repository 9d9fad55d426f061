using System.Collections.Generic;
using EmbedWs.Tests.TestSupport;
using Newtonsoft.Json;

namespace EmbedWs.Tests.Routing;

internal sealed record Order(string Customer, List<OrderLine> Lines, bool Express, Priority Priority);

internal sealed record OrderLine(string Item, int Quantity, decimal Price);

internal enum Priority
{
    Low,
    High,
}

internal sealed class Signup
{
    [JsonProperty(Required = Required.Always)]
    [System.Text.Json.Serialization.JsonRequired]
    public string Email { get; set; } = "";
}

/// <summary>
/// invalid_data replies say which member of "data" did not fit and what it takes, in neutral
/// words: never a .NET type name nor the serializer's own text, unless ShowExceptionDetails.
/// </summary>
[TestFixtureSource(typeof(RoutingSerializers), nameof(RoutingSerializers.Built))]
public class InvalidDataTests
{
    private readonly TestSerializer _serializer;

    public InvalidDataTests(TestSerializer serializer) => _serializer = serializer;

    [TestCase("\"one plus two\"", "\"data\" must be an object.")]
    [TestCase("{\"customer\":\"ann\",\"lines\":[{\"item\":\"tea\",\"quantity\":\"two\"}]}", "\"data.lines[0].quantity\" must be a whole number in range.")]
    [TestCase("{\"customer\":\"ann\",\"lines\":[{\"item\":\"tea\",\"quantity\":1,\"price\":\"cheap\"}]}", "\"data.lines[0].price\" must be a number.")]
    [TestCase("{\"customer\":\"ann\",\"lines\":{}}", "\"data.lines\" must be an array.")]
    [TestCase("{\"customer\":\"ann\",\"express\":\"yes\"}", "\"data.express\" must be true or false.")]
    [TestCase("{\"customer\":\"ann\",\"priority\":\"urgent\"}", "\"data.priority\" must be one of: Low, High.")]
    [TestCase("{\"customer\":[1]}", "\"data.customer\" must be a string.")]
    [TestCase("{\"customer\":\"ann\",\"lines\":[{\"quantity\":99999999999}]}", "\"data.lines[0].quantity\" must be a whole number in range.")]
    public async Task DataThatDoesNotFit_SaysWhereAndWhatItTakes_WithoutTypeNames(string data, string expected)
    {
        await using var server = await RoutingFixture.StartAsync(_serializer, s => s.Route<Order, int>("order", (c, o) => o.Lines.Count));
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync($"{{\"type\":\"order\",\"id\":1,\"data\":{data}}}");

        var reply = await client.ReceiveJsonAsync();
        Assert.That((string?)reply["error"]!["code"], Is.EqualTo(WsRoutingErrors.InvalidData), reply.ToString());
        string message = (string)reply["error"]!["message"]!;
        Assert.That(message, Is.EqualTo(expected));
        Assert.That(message, Does.Not.Contain("System.").And.Not.Contain("Order").And.Not.Contain("Newtonsoft").And.Not.Contain("Path"));
        await RoutingFixture.AssertStillRoutesAsync(client);
    }

    [Test]
    public async Task RequiredMemberMissing_SaysItIsRequired()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer, s => s.Route<Signup, string>("signup", (c, x) => x.Email));
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"signup\",\"id\":1,\"data\":{\"name\":\"ann\"}}");

        var reply = await client.ReceiveJsonAsync();
        Assert.That((string?)reply["error"]!["message"], Is.EqualTo("\"data.email\" is required."));
    }

    [Test]
    public async Task ShowExceptionDetails_AddsTheSerializersWords()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer, s =>
        {
            s.Options.ShowExceptionDetails = true;
            s.Route<Order, int>("order", (c, o) => o.Lines.Count);
        });
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"order\",\"id\":1,\"data\":{\"express\":\"yes\"}}");

        var reply = await client.ReceiveJsonAsync();
        Assert.That((string?)reply["error"]!["message"], Does.StartWith("\"data\" does not fit Order: "));
    }

    [Test]
    public async Task InvalidData_RaisedOnOnError_WithTheSerializersExceptionInside()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer, s => s.Route<Order, int>("order", (c, o) => o.Lines.Count));
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("{\"type\":\"order\",\"id\":1,\"data\":{\"express\":\"yes\"}}");
        await client.ReceiveJsonAsync();

        var (_, error) = await server.NextErrorAsync();
        var routing = (WsRoutingException)error;
        Assert.That(routing.Code, Is.EqualTo(WsRoutingErrors.InvalidData));
        var expected = _serializer == TestSerializer.Newtonsoft ? typeof(JsonException) : typeof(System.Text.Json.JsonException);
        Assert.That(routing.InnerException, Is.InstanceOf(expected), "the server side keeps the details");
    }
}
