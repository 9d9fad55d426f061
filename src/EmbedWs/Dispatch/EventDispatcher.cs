using System;
using System.Threading.Tasks;
using EmbedWs.Transport;

namespace EmbedWs.Dispatch;

/// <summary>
/// Carries a connection's events (connect, messages, close) to the server's handlers, in
/// order, on the threads that <see cref="EventDispatch"/> names. Safe from any thread.
/// </summary>
internal abstract class EventDispatcher
{
    protected EventDispatcher(IDispatchTarget target) => Target = target;

    protected IDispatchTarget Target { get; }

    public static EventDispatcher Create(EventDispatch mode, IDispatchTarget target, DispatchLimits limits) => mode switch
    {
        EventDispatch.Inline => new InlineDispatcher(target),
        EventDispatch.ThreadPool => new MailboxDispatcher(target, limits, queued: false),
        EventDispatch.Queued => new MailboxDispatcher(target, limits, queued: true),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>Events waiting to run (Queued and ThreadPool modes).</summary>
    public virtual int PendingEvents => 0;

    /// <summary>The message bytes (plus a fixed cost per event) of one connection waiting for its handlers; 0 for Inline.</summary>
    public virtual int QueuedBytes(WsConnection connection) => 0;

    public abstract void Connect(WsConnection connection);

    /// <summary>
    /// Hands a message on. The payload is valid until the returned task completes; a task that
    /// is not complete means "stop reading for now" (the inbound queue is full).
    /// </summary>
    public abstract ValueTask MessageAsync(WsConnection connection, WsMessage message);

    /// <summary>Always accepted, never blocks: the last event of a connection.</summary>
    public abstract void Close(WsConnection connection, WsCloseInfo close);

    /// <summary>Completes when every connection's close event has run.</summary>
    public abstract Task WhenIdleAsync();

    /// <summary>Runs up to <paramref name="max"/> queued events on the calling thread (Queued mode only).</summary>
    public virtual int Pump(int max) =>
        throw new InvalidOperationException("PumpEvents needs Dispatch = EventDispatch.Queued.");
}

/// <summary>The limits on events that wait.</summary>
internal sealed class DispatchLimits
{
    public int MaxInboundQueueBytes { get; init; } = 1024 * 1024;
    public int MaxQueuedEvents { get; init; } = 10_000;
}

/// <summary>Runs every handler on the connection's read loop: no copy, no queue.</summary>
internal sealed class InlineDispatcher : EventDispatcher
{
    public InlineDispatcher(IDispatchTarget target)
        : base(target)
    {
    }

    public override void Connect(WsConnection connection) => Target.RunConnect(connection);

    public override ValueTask MessageAsync(WsConnection connection, WsMessage message) => Target.RunMessageAsync(connection, message);

    public override void Close(WsConnection connection, WsCloseInfo close) => Target.RunClose(connection, close);

    public override Task WhenIdleAsync() => Task.CompletedTask;
}
