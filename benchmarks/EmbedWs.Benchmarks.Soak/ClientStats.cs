using System;
using System.Collections.Concurrent;
using System.Threading;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>The client side's counters, over all connections. Updated from many threads with Interlocked.</summary>
internal sealed class ClientStats
{
    private const int MaxProblems = 20;
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly ConcurrentQueue<(long UnixMs, string Kind)> _timing = new();
    private int _problemCount;

    public readonly StreamCounters Echo = new();
    public readonly StreamCounters Push = new();
    public readonly StreamCounters Tick = new();

    public long EchoSent;
    public long Opened;
    public long Live;

    // What each connection was given to do.
    public long Chats;
    public long Idles;
    public long Silents;

    // How connections ended.
    public long NormalCloses;
    public long Resets;
    public long HeartbeatCloses;
    public long StoppedWhileSilent;

    // Failures that no machine explains: each fails the run.
    /// <summary>The server closed a connection that was chatting or idle, other than by the heartbeat.</summary>
    public long UnexpectedCloses;

    /// <summary>A silent connection that ended without the server's close frame (1001).</summary>
    public long HeartbeatWithoutCloseFrame;

    /// <summary>An echo of the wrong length, an unknown message, or a push or tick before the welcome.</summary>
    public long Corrupt;

    /// <summary>The server counted fewer echo messages than the connection sent (lost on the way in).</summary>
    public long EchoesMissingAtServer;

    public long Pings;

    // Heartbeat timing: from the connection's last message to the server's close frame.
    private long _heartbeatMinMs = long.MaxValue;
    private long _heartbeatMaxMs;

    public long HeartbeatMinMs => Interlocked.Read(ref _heartbeatMinMs) == long.MaxValue ? 0 : Interlocked.Read(ref _heartbeatMinMs);

    public long HeartbeatMaxMs => Interlocked.Read(ref _heartbeatMaxMs);

    /// <summary>An exception in this tool's own code: its checks cannot be trusted.</summary>
    public long ClientErrors;

    /// <summary>Every failure so far, timing failures included (64-bit reads are atomic).</summary>
    public long Failures =>
        UnexpectedCloses + HeartbeatWithoutCloseFrame + Corrupt + EchoesMissingAtServer + ClientErrors + _timing.Count;

    /// <summary>The timing failures: when (UTC, ms since 1970) and what.</summary>
    public (long UnixMs, string Kind)[] TimingFailures => _timing.ToArray();

    /// <summary>
    /// A failure that is a timeout at heart: a live connection closed by the heartbeat, a
    /// connection not opened or an answer not given in time. The server may be at fault, or the
    /// machine may have starved either process; the report tells which from the stalls around it.
    /// </summary>
    public void TimingFailure(string kind, string detail)
    {
        _timing.Enqueue((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), kind));
        Problem(kind + ": " + detail);
    }

    public string[] Problems => _problems.ToArray();

    public void HeartbeatClosedAfter(long ms)
    {
        long seen;
        while (ms < (seen = Interlocked.Read(ref _heartbeatMinMs)) && Interlocked.CompareExchange(ref _heartbeatMinMs, ms, seen) != seen)
        {
        }

        while (ms > (seen = Interlocked.Read(ref _heartbeatMaxMs)) && Interlocked.CompareExchange(ref _heartbeatMaxMs, ms, seen) != seen)
        {
        }
    }

    /// <summary>Keeps the first few descriptions of what went wrong, for the report.</summary>
    public void Problem(string what)
    {
        if (Interlocked.Increment(ref _problemCount) <= MaxProblems)
        {
            _problems.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {what}");
        }
    }
}
