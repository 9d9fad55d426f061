using System;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Samples.ConsoleHost;

/// <summary>
/// The command line: <c>--port N</c>, <c>--host NAME</c>, <c>--mode chat|echo|broadcast</c>,
/// <c>--heartbeat pingpong|json|idle|none</c>, <c>--heartbeat-interval S</c>,
/// <c>--heartbeat-timeout S</c>, <c>--max-message-size BYTES</c>, <c>--max-fragments N</c>, <c>--compression on|off</c>,
/// <c>--log-level LEVEL</c>, <c>--simulate CONDITIONS</c>, <c>--dashboard</c>, <c>--dashboard-token T</c>, <c>--help</c>.
/// Each flag also takes the <c>--flag=value</c> form. Tools outside the repo start the host with
/// these flags (.ci/autobahn.sh among them), so keep them stable.
/// </summary>
internal sealed class Options
{
    public const string Usage =
        """
        EmbedWs console host: a WebSocket server with a test page, on one port.

        Usage: EmbedWs.Samples.ConsoleHost [--port N] [--host NAME] [--mode chat|echo|broadcast]
                   [--heartbeat pingpong|json|idle|none] [--heartbeat-interval S] [--heartbeat-timeout S]
                   [--max-message-size BYTES] [--max-fragments N] [--compression on|off]
                   [--log-level LEVEL] [--simulate CONDITIONS] [--dashboard] [--dashboard-token T]
                   [--redis HOST:PORT]

          --port N      TCP port, 0-65535 (0 picks a free one). Default: 8080.
          --host NAME   Where to listen: localhost, an IP address, or * for every interface.
                        Default: localhost.
          --mode MODE   chat       a chat over JSON routing: nicknames, rooms, room.list; the page
                                   uses /embedws.js (default)
                        echo       every message back to its sender (text as text, binary as binary)
                        broadcast  every message to every client, sender included
          --heartbeat KIND
                        pingpong   a protocol ping after the interval of silence; closed when
                                   nothing arrives within the timeout; browsers answer by
                                   themselves (default)
                        json       {"type":"ping","id":N} instead, to be answered with
                                   {"type":"pong","id":N} (embedws.js and the pages do)
                        idle       nothing is sent; closed after the timeout of silence
                        none       no heartbeat
          --heartbeat-interval S   Seconds of silence before a ping (pingpong, json). Default: 15.
          --heartbeat-timeout S    Seconds to wait for an answer (pingpong, json; default 10), or
                                   of silence allowed (idle; default 60).
                        S is more than 0 and at most 86400; fractions with a dot: 0.5.
                        Ignored by the kinds they do not apply to. Every mode uses the heartbeat.
          --max-message-size BYTES The largest message accepted, 1-1073741823; a larger one is
                                   closed with 1009. Default: 1048576 (1 MiB).
          --max-fragments N        The most frames one message may arrive in, 1-2147483647; one
                                   more is closed with 1008. Default: 1024.
          --compression on|off     permessage-deflate with clients that offer it (browsers
                                   do): messages of 1 KiB and more go compressed. Default: off.
          --log-level LEVEL        What is logged to the console: trace, debug, information,
                                   warning, error or none. Default: information (connects,
                                   closes, refused handshakes, errors); debug adds a line per
                                   message.
          --simulate CONDITIONS    For development: delays what the server sends and loses
                                   droppable messages, e.g. latency=80ms,jitter=20ms,loss=2%
                                   (also bandwidth=64KB, bytes per second). Never control
                                   frames or handshakes. Default: off.
          --dashboard              Serve the live dashboard at /embedws/ (connections, traffic,
                                   round trips, send queues, closes; close a connection
                                   from the page). It opens only with its token: a random one
                                   unless --dashboard-token is given; the URL with it is
                                   printed at start.
          --dashboard-token T      The dashboard's token (16 characters or more, no spaces);
                                   turns the dashboard on.
          --redis HOST:PORT        Join a cluster of hosts on this Redis (EmbedWs.Redis): broadcasts
                                   and chat rooms reach the clients of every host started with
                                   the same --redis. Default: none (this host alone).
          --help        Show this help.

        Open http://HOST:PORT/ in a browser for the test page; WebSocket clients may use any path.
        Ctrl+C (or SIGTERM) closes every client with 1001 and exits 0.
        Exit codes: 0 stopped cleanly, 1 could not listen, 2 bad command line.
        """;

    /// <summary>The largest <c>--max-message-size</c>: what <see cref="WsServerOptions.MaxMessageSize"/> accepts.</summary>
    public const int MaxMessageSizeLimit = int.MaxValue / 2;

    public int Port { get; private set; } = 8080;

    public string Host { get; private set; } = "localhost";

    public HostMode Mode { get; private set; } = HostMode.Chat;

    public bool ShowHelp { get; private set; }

    /// <summary><c>--max-message-size</c>; null keeps the library's default (1 MiB).</summary>
    public int? MaxMessageSize { get; private set; }

    /// <summary><c>--max-fragments</c>; null keeps the library's default (1,024).</summary>
    public int? MaxFragmentsPerMessage { get; private set; }

    /// <summary><c>--redis HOST:PORT</c>: the Redis of the cluster this host joins; null for none.</summary>
    public string? Redis { get; private set; }

    /// <summary><c>--compression on|off</c>; off (the library's default) unless given.</summary>
    public bool Compression { get; private set; }

    /// <summary>The <c>--heartbeat*</c> flags; <see cref="HeartbeatChoice.Create"/> makes the policy.</summary>
    public HeartbeatChoice Heartbeat { get; } = new();

    /// <summary><c>--dashboard</c> or <c>--dashboard-token</c>: the live dashboard is on.</summary>
    public bool Dashboard { get; private set; }

    /// <summary><c>--dashboard-token</c>; null makes <see cref="ApplyDashboard"/> draw a random one.</summary>
    public string? DashboardToken { get; private set; }

    /// <summary><c>--simulate</c>: network conditions to simulate; null (off) unless given.</summary>
    public WsNetworkConditions? Simulate { get; private set; }

    /// <summary><c>--log-level</c>: the console log's minimum level.</summary>
    public LogLevel LogLevel { get; private set; } = LogLevel.Information;

    /// <summary>The URL given to <c>WsServerOptions.Url</c>; IPv6 literals get their brackets.</summary>
    public string ListenUrl => $"ws://{Bracket(Host)}:{Port}";

    /// <summary>The page address to print for a browser, with the port actually bound.</summary>
    public string PageUrl(int boundPort)
    {
        string host = Host is "*" or "+" or "0.0.0.0" or "::" or "[::]" ? "localhost" : Bracket(Host);
        return $"http://{host}:{boundPort}/";
    }

    /// <summary>Sets the limits and compression given on the command line; the others keep the library's defaults.</summary>
    public void ApplyLimits(WsServerOptions serverOptions)
    {
        if (MaxMessageSize is int size)
        {
            serverOptions.MaxMessageSize = size;
        }

        if (MaxFragmentsPerMessage is int fragments)
        {
            serverOptions.MaxFragmentsPerMessage = fragments;
        }

        serverOptions.Compression = Compression;
        serverOptions.NetworkSimulation = Simulate;
    }

    /// <summary>
    /// Turns the dashboard on when asked, with the given token or a random one (128 bits, hex),
    /// and returns the token; null when the dashboard is off.
    /// </summary>
    public string? ApplyDashboard(WsServerOptions serverOptions)
    {
        if (!Dashboard)
        {
            return null;
        }

        string token = DashboardToken ?? Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        serverOptions.Dashboard = true;
        serverOptions.DashboardToken = token;
        return token;
    }

    /// <summary>The dashboard's address to print, with its token.</summary>
    public string DashboardUrl(int boundPort, string token) => PageUrl(boundPort) + "embedws/?token=" + token;

    /// <summary>Parses the arguments; on failure returns null and a message naming the bad flag.</summary>
    public static Options? Parse(string[] args, out string? error)
    {
        var options = new Options();
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? value = null;
            int eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                value = arg.Substring(eq + 1);
                arg = arg.Substring(0, eq);
            }

            switch (arg)
            {
                case "--help" or "-h" or "-?":
                    options.ShowHelp = true;
                    continue;
                case "--dashboard" when value is null:
                    options.Dashboard = true;
                    continue;
                case "--port" or "--host" or "--mode" or "--heartbeat" or "--heartbeat-interval" or "--heartbeat-timeout"
                    or "--max-message-size" or "--max-fragments" or "--compression" or "--log-level" or "--dashboard-token" or "--simulate" or "--redis":
                    break;
                default:
                    error = $"Unknown argument '{args[i]}'.";
                    return null;
            }

            if (value is null)
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    error = $"{arg} needs a value.";
                    return null;
                }

                value = args[++i];
            }

            error = options.Set(arg, value);
            if (error is not null)
            {
                return null;
            }
        }

        return options;
    }

    private string? Set(string flag, string value)
    {
        switch (flag)
        {
            case "--port":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
                {
                    return $"--port must be a number from 0 to 65535, not '{value}'.";
                }

                Port = port;
                return null;
            case "--host":
                if (value.Length == 0 || value.IndexOfAny(new[] { '/', ' ' }) >= 0)
                {
                    return $"--host must be a host name or IP address, not '{value}'.";
                }

                Host = value;
                return null;
            case "--heartbeat":
                if (!HeartbeatChoice.TryParseKind(value, out var kind))
                {
                    return $"--heartbeat must be pingpong, json, idle or none, not '{value}'.";
                }

                Heartbeat.Kind = kind;
                return null;
            case "--heartbeat-interval" or "--heartbeat-timeout":
                if (!HeartbeatChoice.TryParseSeconds(value, out double seconds))
                {
                    return $"{flag} must be a number of seconds more than 0 and at most {HeartbeatChoice.MaxSeconds:0} (e.g. 15 or 0.5), not '{value}'.";
                }

                if (flag == "--heartbeat-interval")
                {
                    Heartbeat.IntervalSeconds = seconds;
                }
                else
                {
                    Heartbeat.TimeoutSeconds = seconds;
                }

                return null;
            case "--max-message-size":
                // The range WsServerOptions.MaxMessageSize accepts, checked here so the message names the flag.
                if (!TryParseCount(value, MaxMessageSizeLimit, out int size))
                {
                    return $"--max-message-size must be a number of bytes from 1 to {MaxMessageSizeLimit}, not '{value}'.";
                }

                MaxMessageSize = size;
                return null;
            case "--max-fragments":
                if (!TryParseCount(value, int.MaxValue, out int fragments))
                {
                    return $"--max-fragments must be a number from 1 to {int.MaxValue}, not '{value}'.";
                }

                MaxFragmentsPerMessage = fragments;
                return null;
            case "--compression":
                if (value is not ("on" or "off"))
                {
                    return $"--compression must be on or off, not '{value}'.";
                }

                Compression = value == "on";
                return null;
            case "--dashboard-token":
                if (value.Length < 16 || value.IndexOf(' ') >= 0)
                {
                    return "--dashboard-token must be at least 16 characters without spaces.";
                }

                Dashboard = true;
                DashboardToken = value;
                return null;
            case "--simulate":
                try
                {
                    Simulate = WsNetworkConditions.Parse(value);
                }
                catch (FormatException ex)
                {
                    return $"--simulate: {ex.Message}";
                }

                return null;
            case "--redis":
                int colon = value.LastIndexOf(':');
                if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int redisPort)
                    || redisPort is 0 or > 65535 || value.IndexOfAny(new[] { ' ', ',', '/' }) >= 0)
                {
                    return $"--redis must be HOST:PORT (e.g. localhost:6379), not '{value}'.";
                }

                Redis = value;
                return null;
            case "--log-level":
                if (!TryParseLogLevel(value, out var level))
                {
                    return $"--log-level must be trace, debug, information, warning, error or none, not '{value}'.";
                }

                LogLevel = level;
                return null;
            default:
                if (!TryParseMode(value, out var mode))
                {
                    return $"--mode must be chat, echo or broadcast, not '{value}'.";
                }

                Mode = mode;
                return null;
        }
    }

    /// <summary>Digits only (no sign, no separators), from 1 to <paramref name="max"/>.</summary>
    private static bool TryParseCount(string value, int max, out int count) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count >= 1 && count <= max;

    private static bool TryParseLogLevel(string value, out LogLevel level)
    {
        switch (value.ToLowerInvariant())
        {
            case "trace":
                level = LogLevel.Trace;
                return true;
            case "debug":
                level = LogLevel.Debug;
                return true;
            case "information" or "info":
                level = LogLevel.Information;
                return true;
            case "warning":
                level = LogLevel.Warning;
                return true;
            case "error":
                level = LogLevel.Error;
                return true;
            case "none":
                level = LogLevel.None;
                return true;
            default:
                level = default;
                return false;
        }
    }

    private static bool TryParseMode(string value, out HostMode mode)
    {
        switch (value.ToLowerInvariant())
        {
            case "chat":
                mode = HostMode.Chat;
                return true;
            case "echo":
                mode = HostMode.Echo;
                return true;
            case "broadcast":
                mode = HostMode.Broadcast;
                return true;
            default:
                mode = default;
                return false;
        }
    }

    private static string Bracket(string host) =>
        host.Contains(':') && !host.StartsWith("[", StringComparison.Ordinal) ? $"[{host}]" : host;
}
