using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Dispatch;

/// <summary>
/// Mailbox per connection, drained on the thread-pool (ThreadPool mode) or by the host's
/// <see cref="Pump"/> calls (Queued mode). Messages are copied into pooled buffers; the
/// bytes waiting per connection and (Queued) the events waiting in all are bounded: past a
/// bound, <see cref="PostMessage"/> returns a task the read loop awaits, so the socket stops
/// being read and TCP pushes back on the client.
/// </summary>
internal sealed partial class MailboxDispatcher : EventDispatcher
{
    // A fixed cost per event, so that a flood of empty messages is bounded too.
    private const int EventOverhead = 64;

    // ThreadPool mode: events run per turn before the mailbox yields to other connections.
    private const int ThreadPoolBatch = 32;

    private static readonly WaitCallback s_runOnPool = state => ((Mailbox)state!).Execute();

    private readonly int _maxInboundQueueBytes;
    private readonly int _maxQueuedEvents;
    private readonly bool _queued;
    private readonly ConcurrentQueue<IWorkItem> _work = new();
    private readonly object _idleLock = new();
    private int _pending;
    private int _liveMailboxes;
    private TaskCompletionSource<bool>? _idle;
    private TaskCompletionSource<bool>? _globalSpace;

    public MailboxDispatcher(int maxInboundQueueBytes, int maxQueuedEvents, bool queued)
    {
        _maxInboundQueueBytes = maxInboundQueueBytes;
        _maxQueuedEvents = maxQueuedEvents;
        _queued = queued;
    }

    public override int PendingEvents => Volatile.Read(ref _pending);

    public override ConnectionDispatch Open(IHandlerTarget target)
    {
        Interlocked.Increment(ref _liveMailboxes);
        return new Mailbox(target, this);
    }

    /// <summary>Copies the message into the mailbox; returns a task to await when the inbound queues are over their limits.</summary>
    internal ValueTask PostMessage(Mailbox mailbox, WsMessage message)
    {
        Task? wait = Post(mailbox, DispatchItem.CopyOf(message));
        if (wait is null && _queued && Volatile.Read(ref _pending) > _maxQueuedEvents)
        {
            wait = GlobalSpace();
        }

        return wait is null ? default : new ValueTask(wait);
    }

    public override Task WhenIdleAsync()
    {
        lock (_idleLock)
        {
            if (Volatile.Read(ref _liveMailboxes) == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    /// <summary>Adds an event; returns a task to await when the mailbox is over its byte limit.</summary>
    internal Task? Post(Mailbox mailbox, in DispatchItem item)
    {
        bool schedule;
        Task? wait = null;
        lock (mailbox)
        {
            mailbox.Items.Enqueue(item);
            mailbox.Bytes += item.Length + EventOverhead;
            schedule = !mailbox.Scheduled;
            mailbox.Scheduled = true;
            if (item.Kind == DispatchKind.Message && mailbox.Bytes > _maxInboundQueueBytes)
            {
                mailbox.SpaceWaiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = mailbox.SpaceWaiter.Task;
            }
        }

        Interlocked.Increment(ref _pending);
        if (schedule)
        {
            Schedule(mailbox);
        }

        return wait;
    }

    private void Schedule(Mailbox mailbox)
    {
        if (_queued)
        {
            _work.Enqueue(mailbox);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(s_runOnPool, mailbox);
        }
    }

    /// <summary>Drains a mailbox for one turn. Only the runner that owns <see cref="Mailbox.Scheduled"/> calls this.</summary>
    internal void Run(Mailbox mailbox)
    {
        int budget = _queued ? 1 : ThreadPoolBatch;
        for (int done = 0; done < budget; done++)
        {
            DispatchItem item;
            lock (mailbox)
            {
                if (mailbox.Items.Count == 0)
                {
                    mailbox.Scheduled = false;
                    return;
                }

                item = mailbox.Items.Dequeue();
            }

            ValueTask pending = default;
            try
            {
                pending = item.Kind switch
                {
                    DispatchKind.Connect => mailbox.Target.RunConnectAsync(),
                    DispatchKind.Message => mailbox.Target.RunMessageAsync(item.Message),
                    _ => mailbox.Target.RunCloseAsync(item.Close!),
                };
            }
            catch (Exception ex)
            {
                // Never let an exception leave a thread-pool callback or PumpEvents, and never
                // leave the mailbox owned by nobody.
                mailbox.Target.ReportFailure(ex);
            }

            if (!pending.IsCompleted)
            {
                // An async handler: the mailbox stays owned until it ends, then carries on.
                _ = ResumeAfterAsync(pending, mailbox, item);
                return;
            }

            Finish(mailbox, item);
        }

        Schedule(mailbox);
    }

    private async Task ResumeAfterAsync(ValueTask pending, Mailbox mailbox, DispatchItem item)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Nothing may stop the mailbox.
            mailbox.Target.ReportFailure(ex);
        }

        Finish(mailbox, item);
        Schedule(mailbox);
    }

    private void Finish(Mailbox mailbox, in DispatchItem item)
    {
        item.Release();
        TaskCompletionSource<bool>? space = null;
        lock (mailbox)
        {
            mailbox.Bytes -= item.Length + EventOverhead;
            if (mailbox.SpaceWaiter is not null && mailbox.Bytes <= _maxInboundQueueBytes / 2)
            {
                space = mailbox.SpaceWaiter;
                mailbox.SpaceWaiter = null;
            }
        }

        space?.TrySetResult(true);
        if (Interlocked.Decrement(ref _pending) <= _maxQueuedEvents / 2 && _queued)
        {
            ReleaseGlobalSpace();
        }

        if (item.Kind == DispatchKind.Close && Interlocked.Decrement(ref _liveMailboxes) == 0)
        {
            lock (_idleLock)
            {
                _idle?.TrySetResult(true);
                _idle = null;
            }
        }
    }

    private Task GlobalSpace()
    {
        lock (_work)
        {
            // The pump may have drained the queue since the caller's check: do not wait then,
            // or nothing would ever wake this reader.
            if (Volatile.Read(ref _pending) <= _maxQueuedEvents / 2)
            {
                return Task.CompletedTask;
            }

            _globalSpace ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _globalSpace.Task;
        }
    }

    private void ReleaseGlobalSpace()
    {
        if (Volatile.Read(ref _globalSpace) is null)
        {
            return;
        }

        lock (_work)
        {
            _globalSpace?.TrySetResult(true);
            _globalSpace = null;
        }
    }
}
