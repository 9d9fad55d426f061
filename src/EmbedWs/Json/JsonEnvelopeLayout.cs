using System;

namespace EmbedWs.Json;

/// <summary>The kind of a JSON value, from its first character.</summary>
internal enum JsonKind : byte
{
    None,
    String,
    Number,
    Object,
    Array,
    True,
    False,
    Null,
}

/// <summary>Where one top-level member's value lies in the text: [Start, End).</summary>
internal readonly struct JsonSlot
{
    public JsonSlot(int start, int end, JsonKind kind)
    {
        Start = start;
        End = end;
        Kind = kind;
    }

    public int Start { get; }

    public int End { get; }

    public JsonKind Kind { get; }

    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> text) => text.Slice(Start, End - Start);
}

/// <summary>What <see cref="JsonEnvelopeScanner.TryScan"/> found: the root's kind and the values of "type", "id" and "data".</summary>
internal struct JsonEnvelopeLayout
{
    public bool IsObject;
    public JsonSlot Type;
    public JsonSlot Id;
    public JsonSlot Data;
}
