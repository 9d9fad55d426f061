using System;
using System.Buffers;

namespace EmbedWs.Dispatch;

internal enum DispatchKind : byte
{
    Connect,
    Message,
    Close,
}

/// <summary>One event waiting in a connection's mailbox. A message owns a pooled copy of its payload.</summary>
internal readonly struct DispatchItem
{
    private DispatchItem(DispatchKind kind, WsMessageType type, byte[]? buffer, int length, WsCloseInfo? close)
    {
        Kind = kind;
        Type = type;
        Buffer = buffer;
        Length = length;
        Close = close;
    }

    public DispatchKind Kind { get; }

    public WsMessageType Type { get; }

    public byte[]? Buffer { get; }

    public int Length { get; }

    public WsCloseInfo? Close { get; }

    public WsMessage Message => new(Type, Buffer is null ? ReadOnlyMemory<byte>.Empty : new ReadOnlyMemory<byte>(Buffer, 0, Length));

    public static DispatchItem Connect() => new(DispatchKind.Connect, default, null, 0, null);

    public static DispatchItem Closed(WsCloseInfo close) => new(DispatchKind.Close, default, null, 0, close);

    /// <summary>Copies the payload: the transport reuses its buffer as soon as this returns.</summary>
    public static DispatchItem CopyOf(in WsMessage message)
    {
        byte[]? buffer = null;
        if (!message.Data.IsEmpty)
        {
            buffer = ArrayPool<byte>.Shared.Rent(message.Data.Length);
            message.Data.Span.CopyTo(buffer);
        }

        return new(DispatchKind.Message, message.Type, buffer, message.Data.Length, null);
    }

    public void Release()
    {
        if (Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}
