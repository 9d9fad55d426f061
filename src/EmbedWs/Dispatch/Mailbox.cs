using System.Collections.Generic;
using System.Threading.Tasks;
using EmbedWs.Transport;

namespace EmbedWs.Dispatch;

/// <summary>
/// One connection's waiting events. At most one runner drains it at a time (<see cref="Scheduled"/>),
/// which is what keeps each connection's handlers one at a time and in order.
/// Guarded by locking the mailbox itself.
/// </summary>
internal sealed class Mailbox : IWorkItem
{
    public Mailbox(WsConnection connection, MailboxDispatcher owner)
    {
        Connection = connection;
        Owner = owner;
    }

    public WsConnection Connection { get; }

    public MailboxDispatcher Owner { get; }

    public Queue<DispatchItem> Items { get; } = new();

    /// <summary>Bytes of the messages waiting, plus a fixed cost per event.</summary>
    public int Bytes { get; set; }

    /// <summary>True while a runner owns the mailbox (queued to run, running, or awaiting an async handler).</summary>
    public bool Scheduled { get; set; }

    /// <summary>Completed when <see cref="Bytes"/> falls back under half the limit: the read loop goes on.</summary>
    public TaskCompletionSource<bool>? SpaceWaiter { get; set; }

    public void Execute() => Owner.Run(this);
}

/// <summary>Something the Queued mode's pump runs: a mailbox, or a posted continuation.</summary>
internal interface IWorkItem
{
    void Execute();
}
