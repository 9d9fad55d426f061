using System;

namespace EmbedWs.Json;

/// <summary>
/// The JSON ping and pong every EmbedWs server understands, whatever its heartbeat policy: a
/// client's <c>{"type":"ping"}</c> (with an optional "id") is answered with <c>{"type":"pong"}</c>
/// (the id echoed), so a browser can always find out that the server went silent.
/// </summary>
internal static class JsonPing
{
    /// <summary>Pings and pongs are tiny; longer text is an application message and is not looked at.</summary>
    public const int MaxLength = 256;

    private static ReadOnlySpan<byte> PingType => "\"ping\""u8;

    private static ReadOnlySpan<byte> PongType => "\"pong\""u8;

    /// <summary>
    /// True when <paramref name="utf8"/> is a JSON object whose "type" is "ping" or "pong", with
    /// no "id" or a string or number one (<paramref name="id"/>: its JSON text, empty when none).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8, out bool isPing, out ReadOnlySpan<byte> id)
    {
        isPing = false;
        id = default;

        // Most messages are ruled out here, without a scan: too long, or no "ping" or "pong" string in them.
        if (utf8.Length > MaxLength || (utf8.IndexOf(PingType) < 0 && utf8.IndexOf(PongType) < 0)
            || !JsonEnvelopeScanner.TryScan(utf8, 8, out var layout, out _) || !layout.IsObject || layout.Type.Kind != JsonKind.String)
        {
            return false;
        }

        var type = layout.Type.Of(utf8);
        isPing = type.SequenceEqual(PingType);
        if (!isPing && !type.SequenceEqual(PongType))
        {
            return false;
        }

        switch (layout.Id.Kind)
        {
            case JsonKind.None or JsonKind.Null:
                return true;
            case JsonKind.String or JsonKind.Number:
                id = layout.Id.Of(utf8);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The largest pong <see cref="WritePong"/> writes.</summary>
    public const int MaxPongLength = MaxLength + 32;

    /// <summary>Writes <c>{"type":"pong"}</c>, or <c>{"type":"pong","id":ID}</c> with the id's JSON text; returns the length.</summary>
    public static int WritePong(Span<byte> destination, ReadOnlySpan<byte> id)
    {
        ReadOnlySpan<byte> head = "{\"type\":\"pong\""u8;
        head.CopyTo(destination);
        int n = head.Length;
        if (!id.IsEmpty)
        {
            ",\"id\":"u8.CopyTo(destination.Slice(n));
            n += 6;
            id.CopyTo(destination.Slice(n));
            n += id.Length;
        }

        destination[n++] = (byte)'}';
        return n;
    }
}
