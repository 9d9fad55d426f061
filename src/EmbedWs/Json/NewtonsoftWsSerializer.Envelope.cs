using System;
using System.Buffers;
using System.IO;
using System.Text;
using EmbedWs.Json;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace EmbedWs;

public sealed partial class NewtonsoftWsSerializer
{
    /// <inheritdoc/>
    public bool TryReadEnvelope(ReadOnlySpan<byte> utf8, out WsEnvelope envelope, out string? errorCode, out string? errorMessage)
    {
        // One strict pass over the text, no tree: "type" is read as a string, "id" and "data" are
        // kept as their raw JSON text (JRaw). The id is echoed back byte for byte; the data is
        // bound later, once the route's type is known, straight from its text.
        bool read = JsonEnvelopeReader.TryRead(utf8, _serializer.MaxDepth ?? 64, out var layout, out var type, out errorCode, out errorMessage);
        var id = JsonEnvelopeReader.HasId(layout) ? new JRaw(Encoding.UTF8.GetString(layout.Id.Of(utf8))) : null;
        var data = read && JsonEnvelopeReader.HasData(layout) ? new JRaw(Encoding.UTF8.GetString(layout.Data.Of(utf8))) : null;
        envelope = new WsEnvelope(type ?? string.Empty, id, data);
        return read;
    }

    /// <summary>
    /// Binds data kept as raw text: read straight into <paramref name="type"/>. Where that reader
    /// is stricter than a token tree (1.0 into an int), the tree decides, as it did before.
    /// </summary>
    private object? ReadRaw(string json, Type type)
    {
        try
        {
            using var reader = NewReader(json);
            return _serializer.Deserialize(reader, type);
        }
        catch (JsonException)
        {
            using var reader = NewReader(json);
            return JToken.ReadFrom(reader).ToObject(type, _serializer);
        }
    }

    // Dates stay strings unless the target is a date (a date-like string into object stays a string).
    private static JsonTextReader NewReader(string json) => new(new StringReader(json))
    {
        DateParseHandling = DateParseHandling.None,
        ArrayPool = JsonCharPool.Instance,
    };

    /// <summary>Newtonsoft's char buffers from the shared pool: a reader or writer per message allocates none.</summary>
    private sealed class JsonCharPool : IArrayPool<char>
    {
        public static readonly JsonCharPool Instance = new();

        public char[] Rent(int minimumLength) => ArrayPool<char>.Shared.Rent(minimumLength);

        public void Return(char[]? array)
        {
            if (array is not null)
            {
                ArrayPool<char>.Shared.Return(array);
            }
        }
    }
}
