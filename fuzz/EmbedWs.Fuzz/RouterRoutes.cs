using System.Collections.Generic;
using System.Linq;
using EmbedWs.Routing;
using EmbedWs.Transport;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Fuzz;

internal sealed record AddRequest(int A, int B);

internal sealed record AddReply(int Sum);

internal sealed record ChatSend(string Text, string Room);

internal enum Mood
{
    Calm,
    Busy,
}

internal sealed record Profile(
    string? Name,
    int? Age,
    List<string>? Tags,
    Dictionary<string, double>? Scores,
    Mood Mood,
    DateTimeOffset? Seen,
    Guid? Key,
    decimal Balance,
    Profile? Friend);

/// <summary>The routes of the router target: one per kind of data binding and of handler outcome. All synchronous.</summary>
internal static class RouterRoutes
{
    public const string ReplyErrorCode = "not_today";

    public static WsServer CreateServer()
    {
        var server = new WsServer(new WsServerOptions());
        server.Route<AddRequest, AddReply>("math.add", (c, r) => new AddReply(r.A + r.B));
        server.Route<int[], int>("math.sum", (c, r) => r.Sum());
        server.Route<double, double>("math.half", (c, x) => x / 2);
        server.Route<string, int>("text.length", (c, s) => s.Length);
        server.Route<JToken, JToken>("echo.token", (c, t) => t);
        server.Route<object?, object?>("echo.object", (c, o) => o);
        server.Route<Profile, Profile>("profile.echo", (c, p) => p);
        server.Route<Dictionary<string, List<long>>, int>("dict.count", (c, d) => d.Values.Sum(v => v?.Count ?? 0));
        server.Route<ChatSend>("chat.send", (c, m) => _ = m.Text.Length + m.Room.Length);
        server.Route<JToken, int>("reply.error", Refuse);
        server.Route<int?, int>("handler.throws", Throw);
        return server;
    }

    private static int Refuse(IWsConnection connection, JToken data) => throw new WsReplyException(ReplyErrorCode, "refused by the handler");

    private static int Throw(IWsConnection connection, int? data) => throw new InvalidOperationException("handler failed");
}
