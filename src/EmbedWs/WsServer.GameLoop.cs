using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs;

// For hosts that own a loop and cannot await: a game engine's frame (Unity's Update, Godot's
// _Process), a fixed-tick server, an application-quit callback (docs/engines-and-aot.md).
public sealed partial class WsServer
{
    /// <summary>
    /// Runs waiting events (as <see cref="PumpEvents(int)"/>) on the calling thread until about
    /// <paramref name="budget"/> of wall-clock time is spent, and returns how many ran. The budget
    /// is checked between events, so one long handler can overrun it; at least one waiting event
    /// runs per call, so a small budget still makes progress. Only with <c>Dispatch = EventDispatch.Queued</c>.
    /// </summary>
    /// <param name="budget">How long this call may run events, e.g. 2 ms of a 16 ms frame. Measured with <see cref="Stopwatch"/>, not the options' TimeProvider.</param>
    public int PumpEvents(TimeSpan budget)
    {
        if (budget < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(budget), budget, "The budget cannot be negative.");
        }

        var dispatcher = _dispatcher ?? throw new InvalidOperationException("Start the server before pumping its events.");
        long ticks = (long)(budget.Ticks * (Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond));
        return dispatcher.Pump(int.MaxValue, Math.Max(1, Stopwatch.GetTimestamp() + ticks));
    }

    /// <summary>
    /// Stops the server without awaiting, for callbacks that cannot (an engine's application
    /// quit, a finalizer-like shutdown hook): as <see cref="StopAsync"/>, but the clients get at most
    /// <paramref name="timeout"/> to finish the closing handshake before the rest are dropped, and
    /// the call returns within about <paramref name="timeout"/> plus one second. Safe to call from
    /// the thread that pumps events (with Queued dispatch the OnClose events then wait for the
    /// next <see cref="PumpEvents(int)"/>). Returns true when the stop completed in that time.
    /// </summary>
    /// <param name="timeout">How long clients may take to close; zero drops them at once.</param>
    public bool Stop(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout cannot be negative.");
        }

        // On the thread pool: the caller's SynchronizationContext (an engine's main thread, or
        // the pump's own) must not be needed for the stop to finish.
        // Not disposed here: a stop that outlives the wait still holds the token.
        var limit = new CancellationTokenSource(timeout);
        var stop = Task.Run(() => StopAsync(limit.Token));
        try
        {
            return stop.Wait(timeout + AbortGrace + AbortGrace);
        }
        catch (AggregateException ex) when (ex.InnerException is OperationCanceledException)
        {
            return true;
        }
    }
}
