#if NET8_0_OR_GREATER
using System;
using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EmbedWs.Json;

namespace EmbedWs;

/// <summary>
/// A serializer on System.Text.Json, for trimmed and Native AOT apps (.NET 8 and later): it binds
/// only the types its resolver knows, typically a source-generated <c>JsonSerializerContext</c>
/// listing every route's request and reply type, so nothing is looked up by reflection at run time.
/// Envelopes are read by the same strict reader as <see cref="NewtonsoftWsSerializer"/> and refused
/// with the same error codes; replies are written in the same wire format, straight to UTF-8.
/// Safe from many threads.
/// </summary>
public sealed class SystemTextJsonWsSerializer : IWsJsonSerializer, IDescribesDataErrors
{
    // One writer per thread, reset onto each message's output: no writer per message. Taken out
    // while in use, so a message written while writing one gets its own.
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly JsonSerializerOptions _options;
    private readonly JsonWriterOptions _writerOptions;

    /// <summary>
    /// Creates a serializer over <paramref name="resolver"/> (e.g. <c>MyJsonContext.Default</c>)
    /// with the options of <see cref="CreateOptions"/>: camelCase names, read case-insensitively.
    /// </summary>
    /// <param name="resolver">Knows the routes' data types; a source-generated context for AOT.</param>
    public SystemTextJsonWsSerializer(IJsonTypeInfoResolver resolver)
        : this(CreateOptions(resolver))
    {
    }

    /// <summary>
    /// Creates a serializer with <paramref name="options"/>, which must have a
    /// <see cref="JsonSerializerOptions.TypeInfoResolver"/>. The options are made read-only.
    /// </summary>
    /// <param name="options">The options; start from <see cref="CreateOptions"/> to keep the wire format.</param>
    public SystemTextJsonWsSerializer(JsonSerializerOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (options.TypeInfoResolver is null)
        {
            throw new ArgumentException(
                "The options need a TypeInfoResolver: a source-generated JsonSerializerContext that lists the routes' types (docs/serializers.md).",
                nameof(options));
        }

        options.MakeReadOnly();
        _options = options;
        _writerOptions = new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true };
    }

    /// <summary>
    /// The options this serializer uses by default: camelCase property names (dictionary keys
    /// stay as they are), read case-insensitively, at most 64 levels deep, text other than quotes,
    /// backslashes and control characters written as it is (as Newtonsoft.Json writes it, not
    /// escaped for HTML: a WebSocket message is not a web page), over <paramref name="resolver"/>.
    /// </summary>
    /// <param name="resolver">Knows the routes' data types.</param>
    public static JsonSerializerOptions CreateOptions(IJsonTypeInfoResolver resolver) => new()
    {
        TypeInfoResolver = resolver ?? throw new ArgumentNullException(nameof(resolver)),
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        MaxDepth = 64,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <inheritdoc/>
    public bool TryReadEnvelope(ReadOnlySpan<byte> utf8, out WsEnvelope envelope, out string? errorCode, out string? errorMessage)
    {
        // "id" and "data" are kept as copies of their UTF-8 text: the id is echoed byte for byte,
        // the data bound once the route's type is known.
        bool read = JsonEnvelopeReader.TryRead(utf8, MaxDepth, out var layout, out var type, out errorCode, out errorMessage);
        var id = JsonEnvelopeReader.HasId(layout) ? new RawUtf8Json(layout.Id.Of(utf8).ToArray()) : null;
        var data = read && JsonEnvelopeReader.HasData(layout) ? new RawUtf8Json(layout.Data.Of(utf8).ToArray()) : null;
        envelope = new WsEnvelope(type ?? string.Empty, id, data);
        return read;
    }

    /// <inheritdoc/>
    public object? ReadData(in WsEnvelope envelope, Type type)
    {
        var info = _options.GetTypeInfo(type);
        if (envelope.Data is RawUtf8Json raw)
        {
            return JsonSerializer.Deserialize(raw.Utf8, info);
        }

        // A request without data binds to an empty object, so `{"type":"room.list"}` works; a
        // value that is not an object is null, or, for a value type, refused as invalid_data.
        return info.Kind is JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary
            ? JsonSerializer.Deserialize("{}"u8, info)
            : JsonSerializer.Deserialize("null"u8, info);
    }

    /// <inheritdoc/>
    public void WriteMessage(IBufferWriter<byte> output, string type, object? id, object? data)
    {
        var writer = RentWriter(output);
        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        WriteId(writer, id);
        writer.WritePropertyName("data"u8);
        WriteValue(writer, data);
        writer.WriteEndObject();
        ReturnWriter(writer);
    }

    /// <inheritdoc/>
    public void WriteError(IBufferWriter<byte> output, object? id, string code, string message)
    {
        var writer = RentWriter(output);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "error"u8);
        WriteId(writer, id);
        writer.WriteStartObject("error"u8);
        writer.WriteString("code"u8, code);
        writer.WriteString("message"u8, message);
        writer.WriteEndObject();
        writer.WriteEndObject();
        ReturnWriter(writer);
    }

    string IDescribesDataErrors.DescribeDataError(Exception exception, Type target) =>
        SystemTextJsonDataErrors.Describe(_options, exception, target);

    // A writer that threw halfway is not returned: the next message gets a new one.
    private Utf8JsonWriter RentWriter(IBufferWriter<byte> output)
    {
        var writer = t_writer;
        t_writer = null;
        if (writer is null || writer.Options.Encoder != _writerOptions.Encoder)
        {
            return new Utf8JsonWriter(output, _writerOptions);
        }

        writer.Reset(output);
        return writer;
    }

    private static void ReturnWriter(Utf8JsonWriter writer)
    {
        writer.Flush();
        t_writer = writer;
    }

    private int MaxDepth => _options.MaxDepth == 0 ? 64 : _options.MaxDepth;

    private void WriteId(Utf8JsonWriter writer, object? id)
    {
        if (id is null)
        {
            return;
        }

        writer.WritePropertyName("id"u8);
        WriteValue(writer, id);
    }

    private void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case RawUtf8Json raw:
                // Text this serializer read and checked: echoed exactly as it came (7 stays 7, "7" stays "7").
                writer.WriteRawValue(raw.Utf8, skipInputValidation: true);
                break;
            default:
                // By the value's own type, as Newtonsoft does; the resolver must know it.
                JsonSerializer.Serialize(writer, value, _options.GetTypeInfo(value.GetType()));
                break;
        }
    }

    /// <summary>A JSON value's UTF-8 text, as an envelope carried it.</summary>
    private sealed class RawUtf8Json
    {
        public RawUtf8Json(byte[] utf8) => Utf8 = utf8;

        public byte[] Utf8 { get; }

        public override string ToString() => System.Text.Encoding.UTF8.GetString(Utf8);
    }
}
#endif
