using System;
using System.Text;

namespace EmbedWs.Testing;

/// <summary>A whole message the server sent to a <see cref="WsTestClient"/>.</summary>
public sealed class WsTestMessage
{
    internal WsTestMessage(bool isText, byte[] data)
    {
        IsText = isText;
        Data = data;
    }

    /// <summary>True for a text message, false for binary.</summary>
    public bool IsText { get; }

    /// <summary>The payload.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The text (UTF-8 decoded); throws for a binary message.</summary>
    public string Text => IsText ? Encoding.UTF8.GetString(Data.Span) : throw new InvalidOperationException("This message is binary.");

    /// <inheritdoc/>
    public override string ToString() => IsText ? Text : $"binary, {Data.Length} bytes";
}
