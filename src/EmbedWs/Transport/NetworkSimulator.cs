using System;
using System.Collections.Generic;
using System.Threading;

namespace EmbedWs.Transport;

/// <summary>
/// The server's network simulator (docs/network-simulator.md): one timer, on the server's
/// TimeProvider, for every simulated link; it fires at the earliest moment a delayed frame is due
/// and hands the due frames to their connections' send queues. Only for development; a server
/// without simulation has none. Safe from any thread.
/// </summary>
internal sealed class NetworkSimulator : IDisposable
{
    private readonly TimeProvider _time;
    private readonly HashSet<SimulatedLink> _waiting = new();
    private readonly Random _random;
    private readonly ITimer _timer;
    private long _nextDue = long.MaxValue;
    private readonly object _releaseGate = new();
    private bool _disposed;

    /// <param name="time">The server's clock.</param>
    /// <param name="seed">A seed for loss and jitter (tests); null for a random one.</param>
    public NetworkSimulator(TimeProvider time, int? seed = null)
    {
        _time = time;
        _random = seed is { } s ? new Random(s) : new Random();
        _timer = time.CreateTimer(static s => ((NetworkSimulator)s!).Release(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public TimeProvider Time => _time;

    /// <summary>A uniform number in [0, 1), for loss and jitter.</summary>
    public double NextDouble()
    {
        lock (_random)
        {
            return _random.NextDouble();
        }
    }

    /// <summary>A link has a frame due at <paramref name="due"/> (a timestamp): the timer fires by then.</summary>
    public void Schedule(SimulatedLink link, long due)
    {
        lock (_waiting)
        {
            if (_disposed)
            {
                return;
            }

            _waiting.Add(link);
            if (due >= _nextDue)
            {
                return;
            }

            _nextDue = due;
        }

        // Outside the lock: a fake clock fires the timer inside Change, and its Release takes the lock.
        Arm(due);
    }

    public void Dispose()
    {
        lock (_waiting)
        {
            _disposed = true;
            _waiting.Clear();
            _timer.Dispose();
        }
    }

    /// <summary>The timer fires once, at <paramref name="due"/>. (Two threads arming at once may leave the later moment: the frame is then late, never lost.)</summary>
    private void Arm(long due)
    {
        long now = _time.GetTimestamp();
        var wait = due <= now ? TimeSpan.Zero : TimeSpan.FromSeconds((due - now) / (double)_time.TimestampFrequency);
        try
        {
            _timer.Change(wait, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The server stopped.
        }
    }

    /// <summary>
    /// The timer: every due frame to its send queue, then the timer set for the next one. A fire
    /// that overlaps a running one waits for it (and then finds what was scheduled meanwhile):
    /// skipping it could leave a link's frames waiting for a fire that never comes.
    /// </summary>
    private void Release()
    {
        lock (_releaseGate)
        {
            SimulatedLink[] links;
            lock (_waiting)
            {
                _nextDue = long.MaxValue;
                links = new SimulatedLink[_waiting.Count];
                _waiting.CopyTo(links);
                _waiting.Clear();
            }

            long now = _time.GetTimestamp();
            foreach (var link in links)
            {
                // A link with frames still to come waits again; Schedule arms the timer for it.
                if (link.ReleaseDue(now) is { } next)
                {
                    Schedule(link, next);
                }
            }
        }
    }
}
