using System;
using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Text;
using EmbedWs.Json;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace EmbedWs;

/// <summary>
/// The default serializer, on Newtonsoft.Json. Property names are camelCase on the wire by
/// default (and matched case-insensitively when read); pass your own settings for another
/// naming policy or converters. Safe from many threads.
/// </summary>
public sealed partial class NewtonsoftWsSerializer : IWsJsonSerializer, IDescribesDataErrors
{
    private const string ReflectionWarning =
        "Newtonsoft.Json binds and writes data by reflection, which trimming and Native AOT cannot follow. " +
        "Use SystemTextJsonWsSerializer with a source-generated context there (docs/serializers.md).";

    private readonly JsonSerializer _serializer;

    /// <summary>Creates a serializer with camelCase names, or with <paramref name="settings"/>.</summary>
    /// <param name="settings">Newtonsoft settings; null for the defaults.</param>
#if NET8_0_OR_GREATER
    [RequiresUnreferencedCode(ReflectionWarning)]
    [RequiresDynamicCode(ReflectionWarning)]
#endif
    public NewtonsoftWsSerializer(JsonSerializerSettings? settings = null)
    {
        // camelCase property names; dictionary keys are data and stay as they are.
        settings ??= new JsonSerializerSettings
        {
            ContractResolver = new DefaultContractResolver
            {
                NamingStrategy = new CamelCaseNamingStrategy { ProcessDictionaryKeys = false, OverrideSpecifiedNames = false },
            },
        };

        // Envelopes are small: never let a hostile one nest deeper than this. Set explicitly:
        // the settings report 64 by default without passing it on to the serializer.
        settings.MaxDepth = settings.MaxDepth ?? 64;
        _serializer = JsonSerializer.Create(settings);
    }

    /// <inheritdoc/>
#if NET8_0_OR_GREATER
    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "Every instance was made by a constructor that requires unreferenced code.")]
#endif
    public object? ReadData(in WsEnvelope envelope, Type type)
    {
        if (envelope.Data is JRaw raw)
        {
            return ReadRaw((string)raw.Value!, type);
        }

        var data = envelope.Data as JToken;
        if (data is null || data.Type == JTokenType.Null)
        {
            // A request without data binds to an empty object, so `{"type":"room.list"}` works.
            if (type.IsValueType || type == typeof(string) || type.IsArray)
            {
                return type.IsValueType ? Activator.CreateInstance(type) : null;
            }

            return ReadRaw("{}", type);
        }

        return data.ToObject(type, _serializer);
    }

    /// <inheritdoc/>
    public void WriteMessage(IBufferWriter<byte> output, string type, object? id, object? data)
    {
        // Newtonsoft writes characters: into the thread's pooled buffer, then once to UTF-8.
        var buffer = PooledCharWriter.Rent();
        try
        {
            WriteMessage(buffer, type, id, data);
            Transcode(buffer.Written, output);
        }
        finally
        {
            PooledCharWriter.Return(buffer);
        }
    }

    /// <inheritdoc/>
    public void WriteError(IBufferWriter<byte> output, object? id, string code, string message)
    {
        var buffer = PooledCharWriter.Rent();
        try
        {
            WriteError(buffer, id, code, message);
            Transcode(buffer.Written, output);
        }
        finally
        {
            PooledCharWriter.Return(buffer);
        }
    }

    private static void Transcode(ReadOnlySpan<char> chars, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(chars.Length));
        output.Advance(Encoding.UTF8.GetBytes(chars, span));
    }

    /// <summary>The message as characters into <paramref name="target"/>.</summary>
    private void WriteMessage(PooledCharWriter target, string type, object? id, object? data)
    {
        var writer = JsonWriterOf(target);
        try
        {
            writer.WriteStartObject();
            writer.WritePropertyName("type");
            writer.WriteValue(type);
            WriteId(writer, id);
            writer.WritePropertyName("data");
            _serializer.Serialize(writer, data);
            writer.WriteEndObject();
        }
        catch
        {
            // Half an object written: this writer's state is no use to the next reply.
            target.Json = null;
            throw;
        }
    }

    /// <summary>The error reply as characters into <paramref name="target"/>.</summary>
    private static void WriteError(PooledCharWriter target, object? id, string code, string message)
    {
        var writer = JsonWriterOf(target);
        try
        {
            writer.WriteStartObject();
            writer.WritePropertyName("type");
            writer.WriteValue("error");
            WriteId(writer, id);
            writer.WritePropertyName("error");
            writer.WriteStartObject();
            writer.WritePropertyName("code");
            writer.WriteValue(code);
            writer.WritePropertyName("message");
            writer.WriteValue(message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        catch
        {
            target.Json = null;
            throw;
        }
    }

    // One JSON writer kept with each thread's char buffer: after a whole top-level value it is back
    // in its start state and writes the next reply as if new, without a writer per message.
    private static JsonTextWriter JsonWriterOf(PooledCharWriter target) =>
        target.Json ??= new JsonTextWriter(target) { ArrayPool = JsonCharPool.Instance, CloseOutput = false };

    private static void WriteId(JsonWriter writer, object? id)
    {
        if (id is null)
        {
            return;
        }

        writer.WritePropertyName("id");
        if (id is JToken token)
        {
            // Echo the id exactly as it came: 7 stays 7, "7" stays "7".
            token.WriteTo(writer);
        }
        else
        {
            writer.WriteValue(id);
        }
    }
}
