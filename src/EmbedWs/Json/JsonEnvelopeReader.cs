using System;

namespace EmbedWs.Json;

/// <summary>
/// The envelope rules both built-in serializers share, so they refuse the same texts with the
/// same codes: one strict pass of <see cref="JsonEnvelopeScanner"/>, a root object, an "id"
/// that is a string or a number, a non-empty string "type". "id" and "data" are left as slices
/// of the text for the serializer to keep in its own form.
/// </summary>
internal static class JsonEnvelopeReader
{
    /// <summary>
    /// Reads the layout and the type. False with an error code and message otherwise; when only
    /// the type is wrong, <paramref name="layout"/> still holds a usable id.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8, int maxDepth, out JsonEnvelopeLayout layout, out string? type, out string? errorCode, out string? errorMessage)
    {
        type = null;
        if (!JsonEnvelopeScanner.TryScan(utf8, maxDepth, out layout, out var error))
        {
            layout = default;
            return Fail(WsRoutingErrors.InvalidJson, error!, out errorCode, out errorMessage);
        }

        if (!layout.IsObject)
        {
            layout = default;
            return Fail(WsRoutingErrors.InvalidEnvelope, "The message must be a JSON object.", out errorCode, out errorMessage);
        }

        if (!HasId(layout) && layout.Id.Kind is not (JsonKind.None or JsonKind.Null))
        {
            layout = default;
            return Fail(WsRoutingErrors.InvalidEnvelope, "\"id\" must be a string or a number.", out errorCode, out errorMessage);
        }

        type = layout.Type.Kind == JsonKind.String ? JsonEnvelopeScanner.Unescape(layout.Type.Of(utf8)) : null;
        if (type is not { Length: > 0 })
        {
            type = null;
            return Fail(WsRoutingErrors.InvalidEnvelope, "\"type\" must be a non-empty string.", out errorCode, out errorMessage);
        }

        errorCode = null;
        errorMessage = null;
        return true;
    }

    /// <summary>True when the envelope carries an id to echo (a string or a number; null is none).</summary>
    public static bool HasId(in JsonEnvelopeLayout layout) => layout.Id.Kind is JsonKind.String or JsonKind.Number;

    /// <summary>True when the envelope carries data to bind (absent and null are none).</summary>
    public static bool HasData(in JsonEnvelopeLayout layout) => layout.Data.Kind is not (JsonKind.None or JsonKind.Null);

    private static bool Fail(string code, string message, out string? errorCode, out string? errorMessage)
    {
        errorCode = code;
        errorMessage = message;
        return false;
    }
}
