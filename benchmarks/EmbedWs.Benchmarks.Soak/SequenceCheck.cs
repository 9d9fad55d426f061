using System;
using System.Collections.Generic;
using System.Threading;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>What the checks found on one stream (echo, push or tick), over all connections. Updated from many threads.</summary>
internal sealed class StreamCounters
{
    public long Received;
    public long Lost;
    public long Duplicates;
    public long Reordered;

    /// <summary>Messages past the end the server announced in its 'B' answer.</summary>
    public long Extra;

    public bool Clean => Interlocked.Read(ref Lost) + Interlocked.Read(ref Duplicates) + Interlocked.Read(ref Reordered) + Interlocked.Read(ref Extra) == 0;
}

/// <summary>
/// One stream of one connection: the numbers must come as next, next+1, … A number past the
/// next one leaves a hole: filled later it was a reorder, never filled it was a loss. A number
/// already seen is a duplicate. Used by one receive loop at a time.
/// </summary>
internal sealed class SequenceCheck
{
    // A hole this wide is not worth remembering number by number: all of it counts as lost.
    private const long MaxRemembered = 100_000;

    private readonly StreamCounters _counters;
    private HashSet<long>? _holes;

    public SequenceCheck(StreamCounters counters) => _counters = counters;

    /// <summary>The number expected next.</summary>
    public long Next { get; private set; }

    public void Start(long first) => Next = first;

    public void Receive(long seq)
    {
        if (seq == Next)
        {
            Next++;
            Interlocked.Increment(ref _counters.Received);
            return;
        }

        if (seq > Next)
        {
            if (seq - Next > MaxRemembered)
            {
                Interlocked.Add(ref _counters.Lost, seq - Next);
            }
            else
            {
                _holes ??= new HashSet<long>();
                for (long s = Next; s < seq; s++)
                {
                    _holes.Add(s);
                }
            }

            Next = seq + 1;
            Interlocked.Increment(ref _counters.Received);
            return;
        }

        if (_holes is not null && _holes.Remove(seq))
        {
            Interlocked.Increment(ref _counters.Reordered);
            Interlocked.Increment(ref _counters.Received);
        }
        else
        {
            Interlocked.Increment(ref _counters.Duplicates);
        }
    }

    /// <summary>The connection ended normally and the server said it sent up to <paramref name="end"/> (exclusive): all of it must be here.</summary>
    public void Finish(long end)
    {
        if (Next < end)
        {
            Interlocked.Add(ref _counters.Lost, end - Next);
        }
        else if (Next > end)
        {
            Interlocked.Add(ref _counters.Extra, Next - end);
        }

        Abandon();
    }

    /// <summary>
    /// The connection ended by a reset or the heartbeat: what was still on its way is not
    /// counted, but a hole before the last number received is a loss.
    /// </summary>
    public void Abandon()
    {
        if (_holes is { Count: > 0 })
        {
            Interlocked.Add(ref _counters.Lost, _holes.Count);
        }

        _holes = null;
    }
}
