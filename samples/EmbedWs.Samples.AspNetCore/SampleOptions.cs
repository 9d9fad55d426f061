using System;
using System.Globalization;

namespace EmbedWs.Samples.AspNetCore;

/// <summary>
/// The command line: <c>--port N</c>, <c>--host NAME</c>, <c>--no-auth</c>, <c>--heartbeat pingpong|none</c>,
/// <c>--max-message-size BYTES</c>, <c>--max-fragments N</c>, <c>--help</c>. Also <c>--flag=value</c>.
/// .ci/autobahn.sh starts the sample with these flags: keep them stable.
/// </summary>
internal sealed class SampleOptions
{
    public const string Usage =
        """
        EmbedWs ASP.NET Core sample: a page, a JSON API and EmbedWs WebSockets on one Kestrel port.

        Usage: EmbedWs.Samples.AspNetCore [--port N] [--host NAME] [--no-auth] [--heartbeat pingpong|none]
                   [--max-message-size BYTES] [--max-fragments N]

          --port N      TCP port, 0-65535 (0 picks a free one). Default: 5080.
          --host NAME   An IP address to listen on. Default: 127.0.0.1.
          --no-auth     The chat socket (/chat) needs no sign-in (for local trials).
          --heartbeat KIND   pingpong (default) or none.
          --max-message-size BYTES   The largest message accepted. Default: 1048576.
          --max-fragments N          The most frames one message may arrive in. Default: 1024.
          --help        Show this help.

        Endpoints: /          the page (sign in, chat)
                   /login?name=NAME  signs in with a cookie, then back to /
                   /api/info  JSON: connections, signed-in user
                   /chat      WebSocket chat (signed-in users unless --no-auth)
                   /echo      WebSocket echo: every message back to its sender, no sign-in
        """;

    public int Port { get; private set; } = 5080;

    public string Host { get; private set; } = "127.0.0.1";

    public bool RequireAuth { get; private set; } = true;

    public bool Heartbeat { get; private set; } = true;

    public int MaxMessageSize { get; private set; } = 1024 * 1024;

    public int MaxFragments { get; private set; } = 1024;

    public bool ShowHelp { get; private set; }

    /// <summary>The options, or null with <paramref name="error"/> set.</summary>
    public static SampleOptions? Parse(string[] args, out string? error)
    {
        var o = new SampleOptions();
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string flag = args[i];
            string? value = null;
            int eq = flag.IndexOf('=');
            if (eq > 0)
            {
                value = flag.Substring(eq + 1);
                flag = flag.Substring(0, eq);
            }

            string Next()
            {
                if (value is not null)
                {
                    return value;
                }

                if (i + 1 >= args.Length)
                {
                    throw new FormatException($"{flag} needs a value.");
                }

                return args[++i];
            }

            try
            {
                switch (flag)
                {
                    case "--port": o.Port = Int(Next(), 0, 65535, flag); break;
                    case "--host": o.Host = Next(); break;
                    case "--no-auth": o.RequireAuth = false; break;
                    case "--heartbeat":
                        string kind = Next();
                        o.Heartbeat = kind switch
                        {
                            "pingpong" => true,
                            "none" => false,
                            _ => throw new FormatException($"--heartbeat is pingpong or none, not '{kind}'."),
                        };
                        break;
                    case "--max-message-size": o.MaxMessageSize = Int(Next(), 1, int.MaxValue / 2, flag); break;
                    case "--max-fragments": o.MaxFragments = Int(Next(), 1, int.MaxValue, flag); break;
                    case "--help" or "-h": o.ShowHelp = true; break;
                    default: throw new FormatException($"Unknown option '{flag}'.");
                }
            }
            catch (FormatException ex)
            {
                error = ex.Message;
                return null;
            }
        }

        return o;
    }

    private static int Int(string text, int min, int max, string flag) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
            ? v
            : throw new FormatException($"{flag} takes a whole number from {min} to {max}, not '{text}'.");
}
