using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;

namespace EmbedWs.Benchmarks.Load;

/// <summary>The command line of one load run. Only loopback addresses are accepted as targets.</summary>
internal sealed class LoadOptions
{
    public string Mode { get; private set; } = "echo";
    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>
    /// Every --url's address, the first one's as <see cref="EndPoint"/>: with several (the nodes of
    /// a cluster), connections go to them in turn; the fan-out's publisher to the first.
    /// </summary>
    public List<IPEndPoint> EndPoints { get; } = new();
    public string HostHeader { get; private set; } = "127.0.0.1";
    public string Path { get; private set; } = "/";
    public int Connections { get; private set; } = 1;
    public int InFlight { get; private set; } = 1;
    public int Size { get; private set; } = 32;
    public double Duration { get; private set; } = 10;
    public double Warmup { get; private set; } = 2;
    public int ServerPid { get; private set; }
    public string Test { get; private set; } = "";
    public string Server { get; private set; } = "";
    public int Run { get; private set; } = 1;
    public bool Text { get; private set; }

    /// <summary>--json: text messages of JSON entity states (<see cref="JsonPayloads"/>), 64 different ones of --size bytes.</summary>
    public bool Json { get; private set; }

    /// <summary>--deflate: offer permessage-deflate, send compressed, inflate what comes back (<see cref="ClientDeflate"/>).</summary>
    public bool Deflate { get; private set; }

    /// <summary>fanout --signalr: speak SignalR's JSON hub protocol to a hub (<see cref="SignalRWire"/>).</summary>
    public bool SignalR { get; private set; }

    /// <summary>--server-stats: read the server's allocations over the window from its GET /stats (<see cref="ServerStats"/>).</summary>
    public bool ServerStats { get; private set; }

    /// <summary>conns --messages K: every connection echoes K messages before it is held idle.</summary>
    public int Messages { get; private set; }
    public double Hold { get; private set; } = 2;
    public int Concurrency { get; private set; } = 100;

    /// <summary>fanout --slow N: N of the subscribers (spread evenly) read slowly: a 4 KiB receive buffer and at most --slow-rate messages/s.</summary>
    public int Slow { get; private set; }
    public double SlowRate { get; private set; } = 20;

    /// <summary>The whole run is cut off here, whatever happens (seconds).</summary>
    public double Deadline { get; private set; }

    public static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "--text" or "--json" or "--deflate" or "--server-stats" or "--signalr")
            {
                o.SignalR |= name == "--signalr";
                o.Text |= name == "--text";
                o.Json |= name == "--json";
                o.Deflate |= name == "--deflate";
                o.ServerStats |= name == "--server-stats";
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value");
            }

            string v = args[++i];
            switch (name)
            {
                case "--mode": o.Mode = v; break;
                case "--url": o.SetUrl(v); break;
                case "--connections": o.Connections = Int(v, 1, 60_000, name); break;
                case "--inflight": o.InFlight = Int(v, 1, 10_000, name); break;
                case "--size": o.Size = Int(v, 0, 16 * 1024 * 1024, name); break;
                case "--duration": o.Duration = Num(v, 0.1, 600, name); break;
                case "--warmup": o.Warmup = Num(v, 0, 600, name); break;
                case "--server-pid": o.ServerPid = Int(v, 1, int.MaxValue, name); break;
                case "--test": o.Test = v; break;
                case "--server": o.Server = v; break;
                case "--run": o.Run = Int(v, 1, 1000, name); break;
                case "--hold": o.Hold = Num(v, 0, 600, name); break;
                case "--concurrency": o.Concurrency = Int(v, 1, 10_000, name); break;
                case "--messages": o.Messages = Int(v, 0, 1000, name); break;
                case "--deadline": o.Deadline = Num(v, 1, 3600, name); break;
                case "--slow": o.Slow = Int(v, 0, 60_000, name); break;
                case "--slow-rate": o.SlowRate = Num(v, 1, 1_000_000, name); break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        if (o.Mode is not ("echo" or "fanout" or "conns" or "route"))
        {
            throw new ArgumentException($"unknown mode {o.Mode}");
        }

        if (o.Slow >= o.Connections && o.Slow > 0)
        {
            throw new ArgumentException("--slow must leave at least one fast subscriber");
        }

        if (o.EndPoint.Port == 0)
        {
            throw new ArgumentException("--url ws://127.0.0.1:PORT/ is required");
        }

        if (o.SignalR && (o.Mode != "fanout" || o.Deflate || o.Json))
        {
            throw new ArgumentException("--signalr is for --mode fanout, without --deflate or --json");
        }

        if (o.Deadline == 0)
        {
            // Connecting, warm-up, the measurement, draining and closing, with room to spare.
            o.Deadline = o.Warmup + o.Duration + o.Hold + 60;
        }

        return o;
    }

    private void SetUrl(string url)
    {
        var uri = new Uri(url);
        if (uri.Scheme != "ws" || !IPAddress.TryParse(uri.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException("--url must be ws://127.x.x.x:PORT/...: the load goes to this machine's loopback only");
        }

        EndPoints.Add(new IPEndPoint(address, uri.Port));
        if (EndPoints.Count > 1)
        {
            // The Host header and the path are the first URL's: the nodes serve the same paths.
            return;
        }

        EndPoint = EndPoints[0];
        HostHeader = $"{uri.Host}:{uri.Port}";
        Path = uri.PathAndQuery;
    }

    private static int Int(string v, int min, int max, string name)
    {
        int x = int.Parse(v, CultureInfo.InvariantCulture);
        return x >= min && x <= max ? x : throw new ArgumentOutOfRangeException(name, x, $"from {min} to {max}");
    }

    private static double Num(string v, double min, double max, string name)
    {
        double x = double.Parse(v, CultureInfo.InvariantCulture);
        return x >= min && x <= max ? x : throw new ArgumentOutOfRangeException(name, x, $"from {min} to {max}");
    }
}
