using System;
using System.Globalization;

namespace EmbedWs.Samples.GameLoop;

/// <summary>
/// The command line: <c>--port N</c>, <c>--host NAME</c>, <c>--tick-rate N</c>,
/// <c>--simulate CONDITIONS</c>, <c>--help</c>.
/// Each flag also takes the <c>--flag=value</c> form.
/// </summary>
internal sealed class Options
{
    public const string Usage =
        """
        EmbedWs game loop: a fixed-tick game server whose handlers all run on its loop thread.

        Usage: EmbedWs.Samples.GameLoop [--port N] [--host NAME] [--tick-rate N] [--simulate CONDITIONS]

          --port N        TCP port, 0-65535 (0 picks a free one). Default: 8081.
          --host NAME     Where to listen: localhost, an IP address, or * for every interface.
                          Default: localhost.
          --tick-rate N   Ticks per second, 1-1000. Default: 20.
          --simulate CONDITIONS
                          For development: a network to try the page's interpolation on, e.g.
                          latency=80ms,jitter=20ms,loss=2% (bandwidth=64KB too). Default: off.
          --help          Show this help.

        Open http://HOST:PORT/ in a browser and move with the arrow keys or WASD.
        Ctrl+C (or SIGTERM) closes every client with 1001 and exits 0.
        Exit codes: 0 stopped cleanly, 1 could not listen or the loop failed,
        2 bad command line, 3 a handler ran off the game-loop thread.
        """;

    public int Port { get; private set; } = 8081;

    public string Host { get; private set; } = "localhost";

    public int TickRate { get; private set; } = GameHost.DefaultTickRate;

    public bool ShowHelp { get; private set; }

    /// <summary><c>--simulate</c>: network conditions to simulate; null (off) unless given.</summary>
    public WsNetworkConditions? Simulate { get; private set; }

    /// <summary>The URL given to <c>WsServerOptions.Url</c>; IPv6 literals get their brackets.</summary>
    public string ListenUrl => $"ws://{Bracket(Host)}:{Port}";

    /// <summary>The page address to print for a browser, with the port actually bound.</summary>
    public string PageUrl(int boundPort)
    {
        string host = Host is "*" or "+" or "0.0.0.0" or "::" or "[::]" ? "localhost" : Bracket(Host);
        return $"http://{host}:{boundPort}/";
    }

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
                case "--port" or "--host" or "--tick-rate" or "--simulate":
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
                if (!TryParse(value, 0, 65535, out int port))
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
            default:
                if (!TryParse(value, 1, 1000, out int rate))
                {
                    return $"--tick-rate must be a number from 1 to 1000, not '{value}'.";
                }

                TickRate = rate;
                return null;
        }
    }

    private static bool TryParse(string value, int min, int max, out int result) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max;

    private static string Bracket(string host) =>
        host.Contains(':') && !host.StartsWith("[", StringComparison.Ordinal) ? $"[{host}]" : host;
}
