using System;
using System.Threading;

namespace EmbedWs;

/// <summary>
/// One connection's token buckets for MaxMessagesPerSecond and MaxBytesPerSecond. The read loop
/// takes from them (<see cref="TryTake"/>); the server's one tick refills them
/// (<see cref="Refill"/>), so there is no timer per connection. A bucket holds one second's
/// budget and starts full. Amounts are in thousandths, so that a tick's share of a small rate is not lost.
/// </summary>
internal sealed class InboundRateLimit
{
    public const long Scale = 1000;

    private readonly long _messageCapacity;
    private readonly long _byteCapacity;
    private long _messages;
    private long _bytes;

    // Set when a message was limited, cleared by the next one allowed: one log line per burst.
    private bool _limiting;

    /// <param name="messagesPerSecond">0 for no limit.</param>
    /// <param name="bytesPerSecond">0 for no limit.</param>
    public InboundRateLimit(int messagesPerSecond, int bytesPerSecond)
    {
        _messageCapacity = messagesPerSecond * Scale;
        _byteCapacity = bytesPerSecond * Scale;
        _messages = _messageCapacity;
        _bytes = _byteCapacity;
    }

    /// <summary>
    /// Takes one message of <paramref name="bytes"/> from the buckets; false (and nothing taken)
    /// when either has too little. A message larger than a second's byte budget passes when that
    /// bucket is full, and leaves it in debt. Called by the connection's read loop only.
    /// </summary>
    public bool TryTake(int bytes, out bool firstLimited)
    {
        long byteCost = bytes * Scale;
        bool messagesOk = _messageCapacity == 0 || Volatile.Read(ref _messages) >= Scale;
        bool bytesOk = _byteCapacity == 0 || Volatile.Read(ref _bytes) >= Math.Min(byteCost, _byteCapacity);
        if (!messagesOk || !bytesOk)
        {
            firstLimited = !_limiting;
            _limiting = true;
            return false;
        }

        firstLimited = false;
        _limiting = false;
        if (_messageCapacity != 0)
        {
            Interlocked.Add(ref _messages, -Scale);
        }

        if (_byteCapacity != 0)
        {
            Interlocked.Add(ref _bytes, -byteCost);
        }

        return true;
    }

    /// <summary>The server's tick: adds <paramref name="elapsedSeconds"/> worth of each rate, up to one second's budget.</summary>
    public void Refill(double elapsedSeconds)
    {
        Add(ref _messages, _messageCapacity, elapsedSeconds);
        Add(ref _bytes, _byteCapacity, elapsedSeconds);
    }

    private static void Add(ref long bucket, long capacity, double elapsedSeconds)
    {
        if (capacity == 0)
        {
            return;
        }

        long add = (long)(capacity * elapsedSeconds);
        long current, next;
        do
        {
            current = Volatile.Read(ref bucket);
            next = Math.Min(capacity, current + add);
        }
        while (Interlocked.CompareExchange(ref bucket, next, current) != current);
    }
}
