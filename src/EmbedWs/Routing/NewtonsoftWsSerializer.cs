using System;
using System.IO;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace EmbedWs.Routing;

/// <summary>
/// The default serializer, on Newtonsoft.Json. Property names are camelCase on the wire by
/// default (and matched case-insensitively when read); pass your own settings for another
/// naming policy or converters. Safe from many threads.
/// </summary>
public sealed class NewtonsoftWsSerializer : IWsJsonSerializer
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

        // Envelopes are small: never let a hostile one nest deeper than this.
        settings.MaxDepth ??= 64;
        _serializer = JsonSerializer.Create(settings);
    }

    /// <inheritdoc/>
    public bool TryReadEnvelope(ReadOnlySpan<byte> utf8, out WsEnvelope envelope, out string? errorCode, out string? errorMessage)
    {
        envelope = default;
        JToken root;
        try
        {
            using var reader = new StrictJsonReader(new StringReader(Encoding.UTF8.GetString(utf8))) { MaxDepth = _serializer.MaxDepth, DateParseHandling = DateParseHandling.None };
            root = JToken.ReadFrom(reader);
            if (reader.Read())
            {
                return Fail(WsRoutingErrors.InvalidJson, "Unexpected content after the JSON value.", out errorCode, out errorMessage);
            }
        }
        catch (JsonException ex)
        {
            return Fail(WsRoutingErrors.InvalidJson, ex.Message, out errorCode, out errorMessage);
        }

        if (root is not JObject obj)
        {
            return Fail(WsRoutingErrors.InvalidEnvelope, "The message must be a JSON object.", out errorCode, out errorMessage);
        }

        var id = obj["id"];
        if (id is not null && id.Type is not (JTokenType.String or JTokenType.Integer or JTokenType.Float or JTokenType.Null))
        {
            return Fail(WsRoutingErrors.InvalidEnvelope, "\"id\" must be a string or a number.", out errorCode, out errorMessage);
        }

        if (id is { Type: JTokenType.Null })
        {
            id = null;
        }

        if (obj["type"] is not { Type: JTokenType.String } typeToken || typeToken.Value<string>() is not { Length: > 0 } type)
        {
            errorCode = WsRoutingErrors.InvalidEnvelope;
            errorMessage = "\"type\" must be a non-empty string.";
            envelope = new WsEnvelope(string.Empty, id, null);
            return false;
        }

        envelope = new WsEnvelope(type, id, obj["data"]);
        errorCode = null;
        errorMessage = null;
        return true;
    }

    /// <inheritdoc/>
    public object? ReadData(in WsEnvelope envelope, Type type)
    {
        var data = envelope.Data as JToken;
        if (data is null || data.Type == JTokenType.Null)
        {
            // A request without data binds to an empty object, so `{"type":"room.list"}` works.
            if (type.IsValueType || type == typeof(string) || type.IsArray)
            {
                return type.IsValueType ? Activator.CreateInstance(type) : null;
            }

            data = new JObject();
        }

        return data.ToObject(type, _serializer);
    }

    /// <inheritdoc/>
    public string WriteMessage(string type, object? id, object? data)
    {
        var sb = new StringBuilder(64);
        using (var writer = new JsonTextWriter(new StringWriter(sb)))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("type");
            writer.WriteValue(type);
            WriteId(writer, id);
            writer.WritePropertyName("data");
            _serializer.Serialize(writer, data);
            writer.WriteEndObject();
        }

        return sb.ToString();
    }

    /// <inheritdoc/>
    public string WriteError(object? id, string code, string message)
    {
        var sb = new StringBuilder(96);
        using (var writer = new JsonTextWriter(new StringWriter(sb)))
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

        return sb.ToString();
    }

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
