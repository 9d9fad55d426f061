using System;
using System.Globalization;

namespace EmbedWs.Samples.ConsoleHost;

/// <summary>The heartbeat policies the command line offers (<c>--heartbeat</c>).</summary>
internal enum HeartbeatKind
{
    /// <summary>Protocol ping/pong: <c>HeartbeatPolicy.PingPong</c>.</summary>
    PingPong,

    /// <summary>JSON ping/pong: <c>HeartbeatPolicy.JsonPingPong</c>.</summary>
    Json,

    /// <summary>Close after silence: <c>HeartbeatPolicy.IdleTimeout</c>.</summary>
    Idle,

    /// <summary><c>HeartbeatPolicy.None</c>.</summary>
    None,
}

/// <summary>
/// <c>--heartbeat</c>, <c>--heartbeat-interval</c> and <c>--heartbeat-timeout</c>: parsed here, and
/// turned into the library's policy. An interval or timeout left out keeps the library's default.
/// </summary>
internal sealed class HeartbeatChoice
{
    /// <summary>The longest interval or timeout accepted, in seconds (one day).</summary>
    public const double MaxSeconds = 86_400;

    public HeartbeatKind Kind { get; set; } = HeartbeatKind.PingPong;

    /// <summary>Seconds of silence before a ping; null for the library's default (15 s).</summary>
    public double? IntervalSeconds { get; set; }

    /// <summary>Seconds to wait for an answer (idle: allowed silence); null for the library's default.</summary>
    public double? TimeoutSeconds { get; set; }

    public static bool TryParseKind(string value, out HeartbeatKind kind)
    {
        switch (value.ToLowerInvariant())
        {
            case "pingpong":
                kind = HeartbeatKind.PingPong;
                return true;
            case "json":
                kind = HeartbeatKind.Json;
                return true;
            case "idle":
                kind = HeartbeatKind.Idle;
                return true;
            case "none":
                kind = HeartbeatKind.None;
                return true;
            default:
                kind = default;
                return false;
        }
    }

    /// <summary>
    /// Reads a number of seconds: digits with an optional '.' fraction (invariant culture, so
    /// "0.5" everywhere and never "0,5"), more than 0 and at most a day.
    /// </summary>
    public static bool TryParseSeconds(string value, out double seconds) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out seconds)
        && seconds > 0
        && seconds <= MaxSeconds
        && TimeSpan.FromSeconds(seconds) > TimeSpan.Zero;

    /// <summary>The policy for <see cref="WsServerOptions.Heartbeat"/>.</summary>
    public IHeartbeatPolicy Create() => Kind switch
    {
        HeartbeatKind.PingPong => HeartbeatPolicy.PingPong(Span(IntervalSeconds), Span(TimeoutSeconds)),
        HeartbeatKind.Json => HeartbeatPolicy.JsonPingPong(Span(IntervalSeconds), Span(TimeoutSeconds)),
        HeartbeatKind.Idle => HeartbeatPolicy.IdleTimeout(Span(TimeoutSeconds)),
        _ => HeartbeatPolicy.None,
    };

    /// <summary>One line for the console, e.g. "json ping after 15 s of silence, timeout 10 s".</summary>
    public string Describe() => Kind switch
    {
        HeartbeatKind.PingPong => $"protocol ping after {Seconds(IntervalSeconds, 15)} of silence, timeout {Seconds(TimeoutSeconds, 10)}",
        HeartbeatKind.Json => $"JSON ping after {Seconds(IntervalSeconds, 15)} of silence, timeout {Seconds(TimeoutSeconds, 10)}",
        HeartbeatKind.Idle => $"idle timeout {Seconds(TimeoutSeconds, 60)}",
        _ => "none",
    };

    private static TimeSpan? Span(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    private static string Seconds(double? seconds, double fallback) =>
        (seconds ?? fallback).ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
