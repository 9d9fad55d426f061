using System.Collections.Generic;
using System.Threading.Tasks;

namespace EmbedWs.Dispatch;

/// <summary>
/// One connection's waiting events (ThreadPool and Queued dispatch). At most one runner drains it
/// at a time (<see cref="Scheduled"/>), which keeps the connection's handlers one at a time and
/// in order. Guarded by locking the mailbox itself.
/// </summary>
internal sealed class Mailbox : ConnectionDispatch, IWorkItem
{
    public Mailbox(IHandlerTarget target, MailboxDispatcher owner)
    {
        Target = target;
        Owner = owner;
    }

    public IHandlerTarget Target { get; }

    public MailboxDispatcher Owner { get; }

    public Queue<DispatchItem> Items { get; } = new();

    /// <summary>Bytes of the messages waiting, plus a fixed cost per event.</summary>
    public int Bytes { get; set; }

    /// <summary>True while a runner owns the mailbox (queued to run, running, or awaiting an async handler).</summary>
    public bool Scheduled { get; set; }

    /// <summary>Completed when <see cref="Bytes"/> falls back under half the limit: the read loop goes on.</summary>
    public TaskCompletionSource<bool>? SpaceWaiter { get; set; }

    public override int QueuedBytes
    {
        get
        {
            lock (this)
            {
                return Bytes;
            }
        }
    }

    // The target is the mailbox's own (Target); the parameter is for Inline dispatch, which keeps none.
    public override ValueTask ConnectAsync(IHandlerTarget target)
    {
        Owner.Post(this, DispatchItem.Connect());
        return default;
    }

    public override ValueTask MessageAsync(IHandlerTarget target, WsMessage message) => Owner.PostMessage(this, message);

    public override ValueTask CloseAsync(IHandlerTarget target, WsCloseInfo close)
    {
        Owner.Post(this, DispatchItem.Closed(close));
        return default;
    }

    public void Execute() => Owner.Run(this);
}

/// <summary>Something the Queued mode's pump runs: a mailbox, or a posted continuation.</summary>
internal interface IWorkItem
{
    void Execute();
}
