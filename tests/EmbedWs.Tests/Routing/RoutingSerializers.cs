using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Text.Json.Serialization;

namespace EmbedWs.Tests.Routing;

// The routing tests run once per built-in serializer (parameterised fixtures).
public enum TestSerializer
{
    Newtonsoft,
    SystemTextJson,
}

internal static class RoutingSerializers
{
    public static IWsJsonSerializer Create(TestSerializer kind) => kind switch
    {
        TestSerializer.Newtonsoft => new NewtonsoftWsSerializer(),
#if EMBEDWS_NETSTANDARD
        _ => Ignored(),
#else
        // Source-generated metadata only, as in a Native AOT app: no reflection fallback.
        _ => new SystemTextJsonWsSerializer(RoutingJsonContext.Default),
#endif
    };

#if EMBEDWS_NETSTANDARD
    private static IWsJsonSerializer Ignored()
    {
        Assert.Ignore("SystemTextJsonWsSerializer is in the net8.0 and later builds only; this run is against netstandard2.1.");
        return null!;
    }
#endif
}

// Every type the routing tests bind or reply with, for System.Text.Json's source generator.
[JsonSerializable(typeof(AddRequest))]
[JsonSerializable(typeof(AddReply))]
[JsonSerializable(typeof(ChatSend))]
[JsonSerializable(typeof(ChatMessage))]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(Signup))]
[JsonSerializable(typeof(EchoText))]
[JsonSerializable(typeof(UnserializableReply))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(string))]
internal sealed partial class RoutingJsonContext : JsonSerializerContext
{
}

// The seam writes UTF-8 into a buffer; tests compare text.
internal static class SerializerText
{
    public static string WriteMessage(this IWsJsonSerializer serializer, string type, object? id, object? data)
    {
        var buffer = new ArrayBufferWriter<byte>();
        serializer.WriteMessage(buffer, type, id, data);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string WriteError(this IWsJsonSerializer serializer, object? id, string code, string message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        serializer.WriteError(buffer, id, code, message);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
