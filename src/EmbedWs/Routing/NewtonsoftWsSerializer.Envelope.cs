using System;
using System.Buffers;
using System.IO;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Routing;

public sealed partial class NewtonsoftWsSerializer
{
    /// <inheritdoc/>
    public bool TryReadEnvelope(ReadOnlySpan<byte> utf8, out WsEnvelope envelope, out string? errorCode, out string? errorMessage)
    {
        // One pass with a reader, no tree for the envelope itself: "type" and "id" are read as
        // values, only "data" becomes a token (bound later, once the route's type is known).
        // Keys may come in any order; a repeated key's last value wins, as it did with JObject.
        envelope = default;
        string? type = null;
        JValue? id = null;
        JToken? data = null;
        bool idInvalid = false;
        bool isObject;
        var text = Utf8TextReader.Rent(utf8);
        using var reader = new StrictJsonReader(text)
        {
            MaxDepth = _serializer.MaxDepth,
            DateParseHandling = DateParseHandling.None,
            ArrayPool = JsonCharPool.Instance,
            CloseInput = false,
        };
        try
        {
            if (!reader.Read())
            {
                return Fail(WsRoutingErrors.InvalidJson, "Error reading JToken from JsonReader.", out errorCode, out errorMessage);
            }

            isObject = reader.TokenType == JsonToken.StartObject;
            bool complete = isObject ? ReadProperties(reader, ref type, ref id, ref idInvalid, ref data) : SkipRoot(reader);
            if (!complete)
            {
                return Fail(WsRoutingErrors.InvalidJson, UnexpectedEnd(reader), out errorCode, out errorMessage);
            }

            if (reader.Read())
            {
                return Fail(WsRoutingErrors.InvalidJson, "Unexpected content after the JSON value.", out errorCode, out errorMessage);
            }
        }
        catch (JsonException ex)
        {
            return Fail(WsRoutingErrors.InvalidJson, ex.Message, out errorCode, out errorMessage);
        }
        finally
        {
            Utf8TextReader.Return(text);
        }

        if (!isObject)
        {
            return Fail(WsRoutingErrors.InvalidEnvelope, "The message must be a JSON object.", out errorCode, out errorMessage);
        }

        if (idInvalid)
        {
            return Fail(WsRoutingErrors.InvalidEnvelope, "\"id\" must be a string or a number.", out errorCode, out errorMessage);
        }

        if (type is not { Length: > 0 })
        {
            errorCode = WsRoutingErrors.InvalidEnvelope;
            errorMessage = "\"type\" must be a non-empty string.";
            envelope = new WsEnvelope(string.Empty, id, null);
            return false;
        }

        envelope = new WsEnvelope(type, id, data);
        errorCode = null;
        errorMessage = null;
        return true;
    }

    /// <summary>Reads the envelope's keys up to its end; false when the text ends first.</summary>
    private static bool ReadProperties(JsonTextReader reader, ref string? type, ref JValue? id, ref bool idInvalid, ref JToken? data)
    {
        while (ReadSkippingComments(reader))
        {
            if (reader.TokenType == JsonToken.EndObject)
            {
                return true;
            }

            string name = (string)reader.Value!;
            if (!ReadSkippingComments(reader))
            {
                return false;
            }

            switch (name)
            {
                case "type":
                    type = reader.TokenType == JsonToken.String ? (string)reader.Value! : null;
                    reader.Skip();
                    break;
                case "id":
                    // Kept as a token and written back as it came: 7 stays 7, "7" stays "7".
                    idInvalid = reader.TokenType is not (JsonToken.String or JsonToken.Integer or JsonToken.Float or JsonToken.Null);
                    id = reader.TokenType is JsonToken.String or JsonToken.Integer or JsonToken.Float ? new JValue(reader.Value) : null;
                    reader.Skip();
                    break;
                case "data":
                    data = JToken.ReadFrom(reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return false;
    }

    /// <summary>Reads past a root that is not an object; false when the text ends inside it.</summary>
    private static bool SkipRoot(JsonTextReader reader)
    {
        if (reader.TokenType is not (JsonToken.StartArray or JsonToken.StartConstructor))
        {
            return true;
        }

        reader.Skip();
        return reader.Depth == 0 && reader.TokenType is JsonToken.EndArray or JsonToken.EndConstructor;
    }

    private static bool ReadSkippingComments(JsonTextReader reader)
    {
        while (reader.Read())
        {
            if (reader.TokenType != JsonToken.Comment)
            {
                return true;
            }
        }

        return false;
    }

    private static string UnexpectedEnd(JsonTextReader reader)
        => $"Unexpected end of content while loading JObject. Path '{reader.Path}', line {reader.LineNumber}, position {reader.LinePosition}.";

    /// <summary>
    /// The message's UTF-8 decoded into a pooled buffer and read from there, one reader cached per
    /// thread: no string and no StringReader per message. Decodes as Encoding.UTF8.GetString does.
    /// </summary>
    private sealed class Utf8TextReader : TextReader
    {
        [ThreadStatic]
        private static Utf8TextReader? t_cached;

        private char[] _chars = Array.Empty<char>();
        private int _length;
        private int _position;

        public static Utf8TextReader Rent(ReadOnlySpan<byte> utf8)
        {
            var reader = t_cached ?? new Utf8TextReader();
            t_cached = null;
            reader._chars = ArrayPool<char>.Shared.Rent(Math.Max(16, Encoding.UTF8.GetMaxCharCount(utf8.Length)));
            reader._length = Encoding.UTF8.GetChars(utf8, reader._chars);
            reader._position = 0;
            return reader;
        }

        public static void Return(Utf8TextReader reader)
        {
            ArrayPool<char>.Shared.Return(reader._chars);
            reader._chars = Array.Empty<char>();
            reader._length = 0;
            t_cached = reader;
        }

        public override int Peek() => _position < _length ? _chars[_position] : -1;

        public override int Read() => _position < _length ? _chars[_position++] : -1;

        public override int Read(char[] buffer, int index, int count)
        {
            int n = Math.Min(count, _length - _position);
            Array.Copy(_chars, _position, buffer, index, n);
            _position += n;
            return n;
        }
    }

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
