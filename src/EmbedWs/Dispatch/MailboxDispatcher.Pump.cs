using System;
using System.Diagnostics;
using System.Threading;

namespace EmbedWs.Dispatch;

internal sealed partial class MailboxDispatcher
{
    private int _pumpThread;

    /// <summary>
    /// Runs up to <paramref name="max"/> events on the calling thread, each connection's in
    /// order, round-robin across connections. While it runs, SynchronizationContext.Current
    /// posts back to this queue, so the continuations of async handlers also run here. With a
    /// <paramref name="deadline"/> (a Stopwatch timestamp), no event starts after it but the
    /// first, so each call makes progress: a game's frame budget.
    /// </summary>
    public override int Pump(int max, long deadline = 0)
    {
        if (!_queued)
        {
            return base.Pump(max, deadline);
        }

        if (max <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, "Pump at least one event.");
        }

        int self = Environment.CurrentManagedThreadId;
        if (Interlocked.CompareExchange(ref _pumpThread, self, 0) != 0)
        {
            throw new InvalidOperationException("PumpEvents is already running (called from a handler, or from two threads).");
        }

        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(new PumpContext(this));
        int ran = 0;
        try
        {
            while (ran < max && (deadline == 0 || ran == 0 || Stopwatch.GetTimestamp() < deadline) && _work.TryDequeue(out var work))
            {
                work.Execute();
                ran++;
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
            Volatile.Write(ref _pumpThread, 0);
        }

        return ran;
    }

    /// <summary>Posts continuations back to the pump's queue.</summary>
    private sealed class PumpContext : SynchronizationContext
    {
        private readonly MailboxDispatcher _owner;

        public PumpContext(MailboxDispatcher owner) => _owner = owner;

        public override void Post(SendOrPostCallback d, object? state) => _owner._work.Enqueue(new Posted(d, state));

        public override void Send(SendOrPostCallback d, object? state) => d(state);

        public override SynchronizationContext CreateCopy() => this;
    }

    private sealed class Posted : IWorkItem
    {
        private readonly SendOrPostCallback _callback;
        private readonly object? _state;

        public Posted(SendOrPostCallback callback, object? state)
        {
            _callback = callback;
            _state = state;
        }

        public void Execute() => _callback(_state);
    }
}
