using System;
using System.Globalization;

namespace EmbedWs;

/// <summary>
/// Network conditions to simulate on what the server sends, for development: added latency,
/// jitter, loss of droppable messages and a bandwidth cap. Immutable. Set server-wide with
/// <c>WsServerOptions.NetworkSimulation</c> or per connection with <c>WsServer.SimulateNetwork</c>;
/// see docs/network-simulator.md. Never applied to control frames (ping, pong, close) or handshakes.
/// </summary>
public sealed class WsNetworkConditions
{
    private readonly TimeSpan _latency;
    private readonly TimeSpan _jitter;
    private readonly double _loss;
    private readonly int _bandwidth;

    /// <summary>Added to every data message's way out. Zero by default.</summary>
    public TimeSpan Latency
    {
        get => _latency;
        init => _latency = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(Latency), value, "Latency cannot be negative.");
    }

    /// <summary>Each message's latency varies by up to this much, either way (uniformly), never below zero. Zero by default.</summary>
    public TimeSpan Jitter
    {
        get => _jitter;
        init => _jitter = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(Jitter), value, "Jitter cannot be negative.");
    }

    /// <summary>The share (0 to 1) of droppable messages lost on the way; reliable and latest-by-key ones are never lost. 0 by default.</summary>
    public double Loss
    {
        get => _loss;
        init => _loss = value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Loss), value, "Loss is a share from 0 to 1.");
    }

    /// <summary>The bytes per second the simulated link carries; 0 (the default) for no cap.</summary>
    public int BandwidthBytesPerSecond
    {
        get => _bandwidth;
        init => _bandwidth = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(BandwidthBytesPerSecond), value, "Bandwidth cannot be negative.");
    }

    /// <summary>
    /// Reads conditions written as <c>latency=80ms,jitter=20ms,loss=2%,bandwidth=64KB</c> (any
    /// subset, in any order; durations in ms or s, loss in % or as a share, bandwidth in bytes per
    /// second with an optional KB or MB suffix, 1024-based).
    /// </summary>
    /// <param name="text">The conditions.</param>
    /// <exception cref="FormatException">A part is not one of these.</exception>
    public static WsNetworkConditions Parse(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        TimeSpan latency = TimeSpan.Zero, jitter = TimeSpan.Zero;
        double loss = 0;
        int bandwidth = 0;
        foreach (string part in text.Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries))
        {
            string[] pair = part.Split('=');
            string name = pair[0].Trim().ToLowerInvariant();
            string value = pair.Length == 2 ? pair[1].Trim() : throw Bad(part);
            switch (name)
            {
                case "latency":
                    latency = Duration(value) ?? throw Bad(part);
                    break;
                case "jitter":
                    jitter = Duration(value) ?? throw Bad(part);
                    break;
                case "loss":
                    loss = Share(value) ?? throw Bad(part);
                    break;
                case "bandwidth":
                    bandwidth = Bytes(value) ?? throw Bad(part);
                    break;
                default:
                    throw Bad(part);
            }
        }

        return new WsNetworkConditions { Latency = latency, Jitter = jitter, Loss = loss, BandwidthBytesPerSecond = bandwidth };
    }

    /// <summary>The conditions as <see cref="Parse"/> reads them.</summary>
    public override string ToString() => string.Format(CultureInfo.InvariantCulture,
        "latency={0}ms,jitter={1}ms,loss={2}%,bandwidth={3}", _latency.TotalMilliseconds, _jitter.TotalMilliseconds, _loss * 100, _bandwidth);

    private static FormatException Bad(string part) => new(
        $"'{part}' is not a network condition: use latency=80ms, jitter=20ms, loss=2% or bandwidth=64KB, separated by commas.");

    private static TimeSpan? Duration(string value)
    {
        double scale = value.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? 1 : value.EndsWith("s", StringComparison.OrdinalIgnoreCase) ? 1000 : 0;
        string number = scale == 1 ? value.Substring(0, value.Length - 2) : scale == 1000 ? value.Substring(0, value.Length - 1) : value;
        return scale > 0 && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double n) && n >= 0
            ? TimeSpan.FromMilliseconds(n * scale)
            : null;
    }

    private static double? Share(string value)
    {
        bool percent = value.EndsWith("%", StringComparison.Ordinal);
        string number = percent ? value.Substring(0, value.Length - 1) : value;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double n))
        {
            return null;
        }

        n = percent ? n / 100 : n;
        return n is >= 0 and <= 1 ? n : null;
    }

    private static int? Bytes(string value)
    {
        long scale = value.EndsWith("KB", StringComparison.OrdinalIgnoreCase) ? 1024 : value.EndsWith("MB", StringComparison.OrdinalIgnoreCase) ? 1024 * 1024 : 1;
        string number = scale == 1 ? value : value.Substring(0, value.Length - 2);
        return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n * scale <= int.MaxValue
            ? (int)(n * scale)
            : null;
    }
}
