using EmbedWs.Routing;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Routing;

internal sealed record AddRequest(int A, int B);

internal sealed record AddReply(int Sum);

internal sealed record ChatSend(string Text, string Room);

internal sealed record ChatMessage(string From, string Text);

// A recording server with the routes most routing tests share: "math.add" (request/reply).
internal static class RoutingFixture
{
    public const string AddRoute = "math.add";

    // With the serializer a parameterised fixture runs on.
    public static Task<RecordingServer> StartAsync(TestSerializer serializer, Action<WsServer>? wire = null, Action<WsServerOptions>? configure = null) =>
        StartAsync(wire, o =>
        {
            Use(serializer)(o);
            configure?.Invoke(o);
        });

    public static Action<WsServerOptions> Use(TestSerializer serializer) => o => o.JsonSerializer = RoutingSerializers.Create(serializer);

    public static Task<RecordingServer> StartAsync(Action<WsServer>? wire = null, Action<WsServerOptions>? configure = null) =>
        RecordingServer.StartAsync(configure, s =>
        {
            s.Route<AddRequest, AddReply>(AddRoute, (c, r) => new AddReply(r.A + r.B));
            wire?.Invoke(s);
        });

    public static string Add(object id, int a, int b) =>
        $"{{\"type\":\"math.add\",\"id\":{Json(id)},\"data\":{{\"a\":{a},\"b\":{b}}}}}";

    public static string AddReplyText(object id, int sum) =>
        $"{{\"type\":\"math.add\",\"id\":{Json(id)},\"data\":{{\"sum\":{sum}}}}}";

    // The connection still routes: a request is answered with its own reply.
    public static async Task AssertStillRoutesAsync(JsonClient client, int id = 99)
    {
        await client.SendTextAsync(Add(id, 40, 2));
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo(AddReplyText(id, 42)), "the connection should still be open and routing");
    }

    private static string Json(object id) => id is string s ? $"\"{s}\"" : Convert.ToString(id, System.Globalization.CultureInfo.InvariantCulture)!;
}
