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
    // The serializers this build of the library has: both on net8.0 and later; Newtonsoft.Json
    // only on netstandard2.1 (EmbedWs.Tests.NetStandard), so no fixture there is generated to be skipped.
    public static readonly object[] Built =
#if EMBEDWS_NETSTANDARD
        { TestSerializer.Newtonsoft };
#else
        { TestSerializer.Newtonsoft, TestSerializer.SystemTextJson };
#endif

    public static IWsJsonSerializer Create(TestSerializer kind) => kind switch
    {
#if EMBEDWS_NETSTANDARD
        _ => new NewtonsoftWsSerializer(),
#else
        TestSerializer.Newtonsoft => new NewtonsoftWsSerializer(),
        // Source-generated metadata only, as in a Native AOT app: no reflection fallback.
        _ => new SystemTextJsonWsSerializer(RoutingJsonContext.Default),
#endif
    };
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
