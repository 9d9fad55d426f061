using System;
using System.Threading.Tasks;

namespace EmbedWs.Dispatch;

/// <summary>
/// The handlers of one connection, as dispatch runs them. Implemented by the server's
/// per-connection state. None of them throws: handler failures are reported inside.
/// </summary>
internal interface IHandlerTarget
{
    ValueTask RunConnectAsync();

    /// <summary>The message's payload is valid until the returned task completes.</summary>
    ValueTask RunMessageAsync(WsMessage message);

    ValueTask RunCloseAsync(WsCloseInfo close);

    /// <summary>Something escaped the handlers (a bug below them): report it; dispatch goes on.</summary>
    void ReportFailure(Exception exception);
}

/// <summary>
/// Carries connections' events (connect, messages, close) to their handlers, in order, on the
/// threads that <see cref="EventDispatch"/> names. Safe from any thread.
/// </summary>
internal abstract class EventDispatcher
{
    public static EventDispatcher Create(EventDispatch mode, int maxInboundQueueBytes, int maxQueuedEvents) => mode switch
    {
        EventDispatch.Inline => new InlineDispatcher(),
        EventDispatch.ThreadPool => new MailboxDispatcher(maxInboundQueueBytes, maxQueuedEvents, queued: false),
        EventDispatch.Queued => new MailboxDispatcher(maxInboundQueueBytes, maxQueuedEvents, queued: true),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>Events waiting to run (Queued and ThreadPool modes).</summary>
    public virtual int PendingEvents => 0;

    /// <summary>One connection's way to its handlers.</summary>
    public abstract ConnectionDispatch Open(IHandlerTarget target);

    /// <summary>Completes when every connection's close event has run.</summary>
    public abstract Task WhenIdleAsync();

    /// <summary>
    /// Runs up to <paramref name="max"/> queued events on the calling thread (Queued mode only),
    /// and, when <paramref name="deadline"/> is not 0, none after that Stopwatch timestamp but the first.
    /// </summary>
    public virtual int Pump(int max, long deadline = 0) =>
        throw new InvalidOperationException("PumpEvents needs Dispatch = EventDispatch.Queued.");
}

/// <summary>
/// One connection's events on their way to its handlers. Called by the connection's read loop
/// only, in order, with the connection's own handlers; what it returns incomplete, the read loop
/// awaits before it reads on.
/// </summary>
internal abstract class ConnectionDispatch
{
    /// <summary>The message bytes (plus a fixed cost per event) waiting for the handlers; 0 for Inline.</summary>
    public virtual int QueuedBytes => 0;

    public abstract ValueTask ConnectAsync(IHandlerTarget target);

    /// <summary>
    /// Hands a message on. The payload is valid until the returned task completes; a task that
    /// is not complete means "stop reading for now" (the handler runs, or the inbound queue is full).
    /// </summary>
    public abstract ValueTask MessageAsync(IHandlerTarget target, WsMessage message);

    /// <summary>The last event. Inline: runs the close handlers; queued modes: queues them (never blocks).</summary>
    public abstract ValueTask CloseAsync(IHandlerTarget target, WsCloseInfo close);
}

/// <summary>Runs every handler on the connection's read loop, awaited there: no copy, no queue.</summary>
internal sealed class InlineDispatcher : EventDispatcher
{
    // Nothing per connection: one instance calls every connection's handlers.
    private static readonly Inline s_inline = new();

    public override ConnectionDispatch Open(IHandlerTarget target) => s_inline;

    // The read loop awaits the close handlers before the connection completes.
    public override Task WhenIdleAsync() => Task.CompletedTask;

    private sealed class Inline : ConnectionDispatch
    {
        public override ValueTask ConnectAsync(IHandlerTarget target) => target.RunConnectAsync();

        public override ValueTask MessageAsync(IHandlerTarget target, WsMessage message) => target.RunMessageAsync(message);

        public override ValueTask CloseAsync(IHandlerTarget target, WsCloseInfo close) => target.RunCloseAsync(close);
    }
}
