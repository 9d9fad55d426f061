using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>The client side's command line. Only loopback targets are accepted.</summary>
internal sealed class DriverOptions
{
    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);
    public string HostHeader { get; private set; } = "127.0.0.1";
    public string Path { get; private set; } = "/";
    public int Connections { get; private set; } = 500;
    public double Duration { get; private set; } = 60;

    /// <summary>The first connections open over this many seconds, not all at once.</summary>
    public double Ramp { get; private set; } = -1;

    /// <summary>Seconds between two samples of the server process.</summary>
    public double Sample { get; private set; } = 10;

    /// <summary>After the duration, the time allowed for every connection to close; then the run is cut off.</summary>
    public double Grace { get; private set; } = 60;

    /// <summary>
    /// The run is cut off here whatever happens (seconds from the start): the duration, the
    /// grace, and 120 s for the final samples (the server's connections to reach zero, a quiet 25 s).
    /// </summary>
    public double HardDeadline => Duration + Grace + 120;

    /// <summary>Echo messages per second per chatting connection.</summary>
    public double Rate { get; private set; } = 4;

    /// <summary>The server's heartbeat, to know when a silent connection should have been closed.</summary>
    public double HeartbeatInterval { get; private set; } = 5;
    public double HeartbeatTimeout { get; private set; } = 5;

    /// <summary>Source addresses, taken in turn: each 127.x address has its own ephemeral ports.</summary>
    public IPAddress[] Sources { get; private set; } = Enumerable.Range(1, 4).Select(i => IPAddress.Parse($"127.0.0.{i}")).ToArray();
    public int ServerPid { get; private set; }
    public int Seed { get; private set; } = 1;

    public static DriverOptions Parse(string[] args)
    {
        var o = new DriverOptions();
        foreach (var (name, v) in Args.Pairs(args))
        {
            switch (name)
            {
                case "--url": o.SetUrl(v); break;
                case "--connections": o.Connections = Args.Int(v, 1, 60_000, name); break;
                case "--duration": o.Duration = Args.Num(v, 5, 24 * 3600, name); break;
                case "--ramp": o.Ramp = Args.Num(v, 0, 3600, name); break;
                case "--sample": o.Sample = Args.Num(v, 0.5, 3600, name); break;
                case "--grace": o.Grace = Args.Num(v, 10, 3600, name); break;
                case "--rate": o.Rate = Args.Num(v, 0.1, 10_000, name); break;
                case "--heartbeat": o.HeartbeatInterval = Args.Num(v, 0.1, 3600, name); break;
                case "--heartbeat-timeout": o.HeartbeatTimeout = Args.Num(v, 0.1, 3600, name); break;
                case "--sources":
                    int n = Args.Int(v, 1, 250, name);
                    o.Sources = Enumerable.Range(1, n).Select(k => IPAddress.Parse($"127.0.0.{k}")).ToArray();
                    break;
                case "--server-pid": o.ServerPid = Args.Int(v, 1, int.MaxValue, name); break;
                case "--seed": o.Seed = Args.Int(v, 0, int.MaxValue, name); break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        if (o.EndPoint.Port == 0)
        {
            throw new ArgumentException("--url ws://127.0.0.1:PORT/ is required");
        }

        if (o.Ramp < 0)
        {
            o.Ramp = Math.Min(20, o.Duration / 6);
        }

        return o;
    }

    private void SetUrl(string url)
    {
        var (uri, address) = Args.LoopbackUrl(url);
        EndPoint = new IPEndPoint(address, uri.Port);
        HostHeader = $"{uri.Host}:{uri.Port}";
        Path = uri.PathAndQuery;
    }
}

/// <summary>Parsing helpers shared by both command lines.</summary>
internal static class Args
{
    /// <summary><c>--url</c>: a ws:// address on this machine's loopback, and its IP address.</summary>
    public static (Uri Uri, IPAddress Address) LoopbackUrl(string url)
    {
        var uri = new Uri(url);
        if (uri.Scheme != "ws" || !IPAddress.TryParse(uri.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException("--url must be ws://127.x.x.x:PORT/...: the soak runs on this machine's loopback only");
        }

        return (uri, address);
    }

    /// <summary>
    /// The command line as option/value pairs: every option takes one value. A bare
    /// <c>--server</c> (which picks the server side in Program) is skipped.
    /// </summary>
    public static IEnumerable<(string Name, string Value)> Pairs(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name == "--server")
            {
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value");
            }

            yield return (name, args[++i]);
        }
    }

    public static ServerOptions ParseServer(string[] args)
    {
        var o = new ServerOptions();
        foreach (var (name, v) in Args.Pairs(args))
        {
            switch (name)
            {
                case "--port": o.Port = Int(v, 1, 65535, name); break;
                case "--heartbeat": o.HeartbeatInterval = Num(v, 0.1, 3600, name); break;
                case "--heartbeat-timeout": o.HeartbeatTimeout = Num(v, 0.1, 3600, name); break;
                case "--groups": o.Groups = Int(v, 1, 10_000, name); break;
                case "--push-ms": o.PushMs = Int(v, 1, 3_600_000, name); break;
                case "--tick-ms": o.TickMs = Int(v, 1, 3_600_000, name); break;
                case "--fault": o.Fault = Int(v, 0, int.MaxValue, name); break;
                case "--dispatch":
                    o.Dispatch = v switch
                    {
                        "threadpool" => EventDispatch.ThreadPool,
                        "inline" => EventDispatch.Inline,
                        _ => throw new ArgumentException("--dispatch threadpool|inline"),
                    };
                    break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        if (o.Port == 0)
        {
            throw new ArgumentException("--port is required");
        }

        return o;
    }

    public static int Int(string v, int min, int max, string name)
    {
        int x = int.Parse(v, CultureInfo.InvariantCulture);
        return x >= min && x <= max ? x : throw new ArgumentOutOfRangeException(name, x, $"from {min} to {max}");
    }

    public static double Num(string v, double min, double max, string name)
    {
        double x = double.Parse(v, CultureInfo.InvariantCulture);
        return x >= min && x <= max ? x : throw new ArgumentOutOfRangeException(name, x, $"from {min} to {max}");
    }
}
