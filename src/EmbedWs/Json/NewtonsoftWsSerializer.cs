using System;
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
public sealed partial class NewtonsoftWsSerializer : IWsJsonSerializer
{
    private readonly JsonSerializer _serializer;

    /// <summary>Creates a serializer with camelCase names, or with <paramref name="settings"/>.</summary>
    /// <param name="settings">Newtonsoft settings; null for the defaults.</param>
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
    public string WriteMessage(string type, object? id, object? data)
    {
        var buffer = PooledCharWriter.Rent();
        try
        {
            WriteMessage(buffer, type, id, data);
            return buffer.ToString();
        }
        finally
        {
            PooledCharWriter.Return(buffer);
        }
    }

    /// <inheritdoc/>
    public string WriteError(object? id, string code, string message)
    {
        var buffer = PooledCharWriter.Rent();
        try
        {
            WriteError(buffer, id, code, message);
            return buffer.ToString();
        }
        finally
        {
            PooledCharWriter.Return(buffer);
        }
    }

    /// <summary><see cref="WriteMessage(string, object?, object?)"/> into <paramref name="target"/>, for routing's replies without a string.</summary>
    internal void WriteMessage(PooledCharWriter target, string type, object? id, object? data)
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

    /// <summary><see cref="WriteError(object?, string, string)"/> into <paramref name="target"/>.</summary>
    internal static void WriteError(PooledCharWriter target, object? id, string code, string message)
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

    private static bool Fail(string code, string message, out string? errorCode, out string? errorMessage)
    {
        errorCode = code;
        errorMessage = message;
        return false;
    }
}
