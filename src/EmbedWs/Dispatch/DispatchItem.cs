using System;
using System.Buffers;
using System.Threading.Tasks;
using EmbedWs.Transport;

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

/// <summary>What the dispatcher runs: the server's handlers for one event. Implemented by the facade.</summary>
internal interface IDispatchTarget
{
    void RunConnect(WsConnection connection);

    /// <summary>The message's payload is valid until the returned task completes.</summary>
    ValueTask RunMessageAsync(WsConnection connection, WsMessage message);

    void RunClose(WsConnection connection, WsCloseInfo close);

    /// <summary>Something escaped the handlers (a bug below them): report it; the mailbox goes on.</summary>
    void ReportFailure(WsConnection connection, Exception exception);
}
