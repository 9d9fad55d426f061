using System;
using System.Collections.Generic;
using EmbedWs.Transport;

namespace EmbedWs.Dashboard;

/// <summary>
/// The server's closes since start, by close code and by cause, for the dashboard's charts.
/// The server adds each connection's close as it ends; the dashboard copies the counts once a
/// tick. Safe from any thread.
/// </summary>
internal sealed class CloseTally
{
    private readonly object _lock = new();
    private readonly SortedDictionary<ushort, long> _byCode = new();
    private readonly long[] _byCause = new long[CauseCount];

    /// <summary>How many <see cref="WsCloseCause"/> values there are.</summary>
    public const int CauseCount = (int)WsCloseCause.HandlerTimeout + 1;

    public void Add(WsCloseInfo close)
    {
        lock (_lock)
        {
            _byCode.TryGetValue(close.Code, out long n);
            _byCode[close.Code] = n + 1;
            if ((uint)close.Cause < (uint)CauseCount)
            {
                _byCause[(int)close.Cause]++;
            }
        }
    }

    /// <summary>The counts now.</summary>
    public CloseCounts Read()
    {
        lock (_lock)
        {
            return new CloseCounts(new List<KeyValuePair<ushort, long>>(_byCode), (long[])_byCause.Clone());
        }
    }
}

/// <summary>Closes since start at one moment: by close code (ascending) and by cause.</summary>
internal sealed class CloseCounts
{
    public static readonly CloseCounts None = new(Array.Empty<KeyValuePair<ushort, long>>(), new long[CloseTally.CauseCount]);

    public CloseCounts(IReadOnlyList<KeyValuePair<ushort, long>> byCode, long[] byCause)
    {
        ByCode = byCode;
        ByCause = byCause;
    }

    public IReadOnlyList<KeyValuePair<ushort, long>> ByCode { get; }

    public IReadOnlyList<long> ByCause { get; }

    public long Of(WsCloseCause cause) => ByCause[(int)cause];

    /// <summary>
    /// Closes that were not a plain goodbye: every code but 1000 (normal) and 1001 (going away,
    /// also the server's stop), 1006 included (the peer vanished without a close frame).
    /// </summary>
    public long Errors()
    {
        long sum = 0;
        foreach (var pair in ByCode)
        {
            sum += pair.Key is 1000 or 1001 ? 0 : pair.Value;
        }

        return sum;
    }
}
