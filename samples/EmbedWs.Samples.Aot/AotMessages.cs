using System.Text.Json.Serialization;

namespace EmbedWs.Samples.Aot;

public sealed record AddRequest(int A, int B);

public sealed record AddReply(int Sum);

public sealed record RoomJoin(string Room);

public sealed record RoomJoined(string Room, int Members);

public sealed record RoomSay(string Room, string Text);

public sealed record RoomMessage(long From, string Text);

/// <summary>
/// Every type the routes bind or send, for System.Text.Json's source generator: with Native AOT
/// nothing is found by reflection, so a type missing here is refused at run time.
/// </summary>
[JsonSerializable(typeof(AddRequest))]
[JsonSerializable(typeof(AddReply))]
[JsonSerializable(typeof(RoomJoin))]
[JsonSerializable(typeof(RoomJoined))]
[JsonSerializable(typeof(RoomSay))]
[JsonSerializable(typeof(RoomMessage))]
internal sealed partial class AotJsonContext : JsonSerializerContext
{
}
