using System.Collections.Generic;
using System.Linq;
using EmbedWs.Routing;
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

/// <summary>
/// The routes' types for the System.Text.Json serializer (router-stj), generated at compile time as
/// an AOT app has them. JToken is Newtonsoft's own: those routes answer invalid_data there.
/// </summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(AddRequest))]
[System.Text.Json.Serialization.JsonSerializable(typeof(AddReply))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int[]))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int?))]
[System.Text.Json.Serialization.JsonSerializable(typeof(double))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSerializable(typeof(object))]
[System.Text.Json.Serialization.JsonSerializable(typeof(System.Text.Json.JsonElement))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Profile))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, List<long>>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(ChatSend))]
internal sealed partial class RouterJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}

/// <summary>The routes of the router target: one per kind of data binding and of handler outcome. All synchronous.</summary>
internal static class RouterRoutes
{
    public const string ReplyErrorCode = "not_today";

    /// <summary>A router with these routes and the default options but <paramref name="serializer"/>, sending through <paramref name="host"/>.</summary>
    public static WsRouter CreateRouter(IRouteHost host, IWsJsonSerializer serializer)
    {
        var router = new WsRouter(host);
        router.Add("math.add", new RequestRoute<AddRequest, AddReply>((c, r) => new AddReply(r.A + r.B)));
        router.Add("math.sum", new RequestRoute<int[], int>((c, r) => r.Sum()));
        router.Add("math.half", new RequestRoute<double, double>((c, x) => x / 2));
        router.Add("text.length", new RequestRoute<string, int>((c, s) => s.Length));
        router.Add("echo.token", new RequestRoute<JToken, JToken>((c, t) => t));
        router.Add("echo.object", new RequestRoute<object?, object?>((c, o) => o));
        router.Add("profile.echo", new RequestRoute<Profile, Profile>((c, p) => p));
        router.Add("dict.count", new RequestRoute<Dictionary<string, List<long>>, int>((c, d) => d.Values.Sum(v => v?.Count ?? 0)));
        router.Add("chat.send", new MessageRoute<ChatSend>((c, m) => _ = m.Text.Length + m.Room.Length));
        router.Add("reply.error", new RequestRoute<JToken, int>(Refuse));
        router.Add("handler.throws", new RequestRoute<int?, int>(Throw));
        router.Start(new WsServerOptions { JsonSerializer = serializer }.Freeze(), metrics: null);
        return router;
    }

    private static int Refuse(IWsConnection connection, JToken data) => throw new WsReplyException(ReplyErrorCode, "refused by the handler");

    private static int Throw(IWsConnection connection, int? data) => throw new InvalidOperationException("handler failed");
}
