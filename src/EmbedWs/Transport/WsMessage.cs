using System;
using System.Text;

namespace EmbedWs;

/// <summary>Whether a message is text (UTF-8) or binary.</summary>
public enum WsMessageType
{
    /// <summary>A text message, valid UTF-8.</summary>
    Text,
    /// <summary>A binary message.</summary>
    Binary,
}

/// <summary>
/// One data message as received. <see cref="Data"/> points into a pooled buffer that is reused
/// once the handler returns: read it, or copy it with <see cref="ToArray"/>, inside the handler.
/// </summary>
public readonly struct WsMessage
{
    /// <summary>Wraps a payload.</summary>
    /// <param name="type">Text or binary.</param>
    /// <param name="data">The payload bytes.</param>
    public WsMessage(WsMessageType type, ReadOnlyMemory<byte> data)
    {
        Type = type;
        Data = data;
    }

    /// <summary>Text or binary.</summary>
    public WsMessageType Type { get; }

    /// <summary>True for a text message.</summary>
    public bool IsText => Type == WsMessageType.Text;

    /// <summary>The raw payload; valid only until the handler returns.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The payload decoded as UTF-8 (a new string on each call). For binary messages too.</summary>
    public string Text => Data.IsEmpty ? string.Empty : Encoding.UTF8.GetString(Data.Span);

    /// <summary>A copy of the payload that may be kept after the handler returns.</summary>
    public byte[] ToArray() => Data.ToArray();

    /// <inheritdoc/>
    public override string ToString() => IsText ? Text : $"binary ({Data.Length} bytes)";
}
