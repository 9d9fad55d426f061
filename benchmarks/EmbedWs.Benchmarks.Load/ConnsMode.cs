using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Load;

/// <summary>
/// conns: opens N connections as fast as it can (--concurrency handshakes at a time), holds them
/// idle, and reads the server's VmRSS (/proc/PID/status) before and after: the growth divided by
/// the connections opened is the server's memory per idle connection. A few connections are
/// opened first (and held) so that code paths run once before the "before" reading. With
/// <c>--messages K</c> every connection (the first few too) echoes K messages once it is open,
/// so that the figure is the memory of a connection that has been used, not one fresh from its
/// handshake: with <c>--deflate</c>, a compressed connection holding whatever zlib state the
/// server keeps between messages.
/// </summary>
internal static class ConnsMode
{
    private const int WarmupConnections = 20;

    public static async Task<Dictionary<string, object>> RunAsync(LoadOptions o, CancellationToken deadline)
    {
        if (o.ServerPid == 0)
        {
            throw new ArgumentException("conns needs --server-pid to read the server's memory");
        }

        byte[] request = WsClient.UpgradeRequest(o.Path, o.HostHeader, o.Deflate);
        var exchange = o.Messages > 0 ? new Exchange(o) : null;
        var (warm, warmFailures, warmError) = await Connections.TryOpenAsync(o, request, WarmupConnections, 4, deadline);
        if (warmFailures > 0)
        {
            throw new InvalidOperationException($"warm-up connections failed: {warmError}");
        }

        if (exchange is not null)
        {
            await exchange.RunAsync(warm, deadline);
        }

        await Task.Delay(TimeSpan.FromSeconds(Math.Min(o.Warmup, 1)), deadline);
        long before = VmRssKiB(o.ServerPid);
        var sw = Stopwatch.StartNew();
        var (clients, failures, firstError) = await Connections.TryOpenAsync(o, request, o.Connections, o.Concurrency, deadline);
        double seconds = sw.Elapsed.TotalSeconds;
        int exchangeFailures = exchange is null ? 0 : await exchange.RunAsync(clients, deadline);
        await Task.Delay(TimeSpan.FromSeconds(o.Hold), deadline);
        long after = VmRssKiB(o.ServerPid);

        // Still open? A readable socket with nothing to read has been closed by the server.
        int alive = clients.Count(c => !(c.Socket.Poll(0, SelectMode.SelectRead) && c.Socket.Available == 0));
        await Connections.CloseAsync(clients.Concat(warm).Select(c => c.Socket), Array.Empty<Task>());
        var result = new Dictionary<string, object>
        {
            ["connections"] = o.Connections,
            ["opened"] = clients.Count,
            ["failures"] = failures,
            ["alive"] = alive,
            ["seconds"] = Math.Round(seconds, 3),
            ["connPerSec"] = Math.Round(clients.Count / seconds),
            ["rssBeforeKiB"] = before,
            ["rssAfterKiB"] = after,
            ["kibPerConn"] = clients.Count == 0 ? 0 : Math.Round((after - before) / (double)clients.Count, 2),
            ["messagesPerConn"] = o.Messages,
            ["exchangeFailures"] = exchangeFailures,
        };
        if (firstError is not null)
        {
            result["firstError"] = firstError;
        }

        return result;
    }

    private static long VmRssKiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim());
            }
        }

        throw new InvalidOperationException($"no VmRSS in /proc/{pid}/status");
    }
}
