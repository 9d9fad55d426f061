using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>What the server process looked like at one moment: /proc, and its own /stats.</summary>
internal sealed record ProcSample(long RssKiB, int Threads, int Handles, int Sockets);

/// <summary>
/// A process's CPU time so far (user and system, all threads, dead ones included), and the busy
/// time so far of the CPUs it may run on (<c>taskset</c>): the difference is what other
/// processes took from under it, which is what a machine shared with other work costs.
/// </summary>
internal readonly record struct CpuTimes(double CpuMs, double CpusBusyMs, int Cpus)
{
    // /proc/PID/stat and /proc/stat count in clock ticks: 100 per second on Linux (USER_HZ).
    private const double MsPerTick = 10;

    public static CpuTimes? Read(int pid)
    {
        try
        {
            // "pid (comm) state ppid ...": utime and stime are fields 14 and 15; comm may hold spaces.
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
            double cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * MsPerTick;
            var allowed = AllowedCpus(pid);
            double busy = 0;
            foreach (var line in File.ReadLines("/proc/stat"))
            {
                // "cpuN user nice system idle iowait irq softirq steal guest guest_nice"
                if (!line.StartsWith("cpu", StringComparison.Ordinal) || line.Length < 4 || !char.IsDigit(line[3]))
                {
                    continue;
                }

                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (!allowed.Contains(int.Parse(parts[0].AsSpan(3), CultureInfo.InvariantCulture)))
                {
                    continue;
                }

                for (int i = 1; i <= 8; i++)
                {
                    if (i is not (4 or 5))
                    {
                        busy += long.Parse(parts[i], CultureInfo.InvariantCulture) * MsPerTick;
                    }
                }
            }

            return new CpuTimes(cpu, busy, allowed.Count);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The CPUs in "Cpus_allowed_list" of /proc/PID/status ("0", "0-1", "0,2-3").</summary>
    private static HashSet<int> AllowedCpus(int pid)
    {
        var cpus = new HashSet<int>();
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var range in line.Substring(18).Trim().Split(','))
            {
                var ends = range.Split('-');
                int from = int.Parse(ends[0], CultureInfo.InvariantCulture), to = int.Parse(ends[^1], CultureInfo.InvariantCulture);
                for (int c = from; c <= to; c++)
                {
                    cpus.Add(c);
                }
            }
        }

        return cpus;
    }
}

/// <summary>
/// Reads the server process from outside (<c>/proc/PID/status</c> for VmRSS and Threads,
/// <c>/proc/PID/fd</c> for open handles), the server's counters from <c>GET /stats</c>, and
/// the TIME_WAIT sockets of the server's port from <c>/proc/net/tcp</c>.
/// </summary>
internal sealed class ServerProbe
{
    private readonly IPEndPoint _server;
    private readonly string _hostHeader;

    public ServerProbe(IPEndPoint server, string hostHeader)
    {
        _server = server;
        _hostHeader = hostHeader;
    }

    public int Pid { get; set; }

    /// <summary>False when the process is gone or a zombie (it died and its parent has not reaped it yet).</summary>
    public bool Alive()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            {
                if (line.StartsWith("State:", StringComparison.Ordinal))
                {
                    return !line.Contains('Z') && !line.Contains('X');
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public ProcSample? ReadProc()
    {
        try
        {
            long rss = 0;
            int threads = 0;
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
                }
            }

            int handles = 0, sockets = 0;
            foreach (var fd in new DirectoryInfo($"/proc/{Pid}/fd").EnumerateFileSystemInfos())
            {
                handles++;
                try
                {
                    if (fd.LinkTarget is { } target && target.StartsWith("socket:", StringComparison.Ordinal))
                    {
                        sockets++;
                    }
                }
                catch (IOException)
                {
                    // Closed while we looked.
                }
            }

            return new ProcSample(rss, threads, handles, sockets);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The server's /stats as JSON, or null when it did not answer within 10 s. <paramref name="query"/>
    /// "gc": after a full compacting garbage collection; "stalls": with the list of the server's stalls.
    /// </summary>
    public async Task<JsonElement?> ReadStatsAsync(CancellationToken ct, string query = "")
    {
        var request = Encoding.ASCII.GetBytes(
            $"GET /stats{(query.Length > 0 ? "?" + query + "=1" : "")} HTTP/1.1\r\nHost: {_hostHeader}\r\nConnection: close\r\n\r\n");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(_server, timeout.Token);
            await socket.SendAsync(request, SocketFlags.None, timeout.Token);
            var response = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                response.Write(buffer, 0, n);
            }

            var bytes = response.ToArray();
            int body = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
            if (body < 0 || !bytes.AsSpan().StartsWith("HTTP/1.1 200"u8))
            {
                return null;
            }

            using var doc = JsonDocument.Parse(bytes.AsMemory(body + 4));
            return doc.RootElement.Clone();
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>TCP sockets in TIME_WAIT with the server's port at one end (IPv4 loopback: /proc/net/tcp).</summary>
    public int TimeWait()
    {
        int count = 0;
        try
        {
            foreach (var line in File.ReadLines("/proc/net/tcp"))
            {
                // "  sl  local_address rem_address   st ...": "0: 0100007F:4650 0100007F:9C40 06 ..."
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 4 || parts[3] != "06")
                {
                    continue;
                }

                if (Port(parts[1]) == _server.Port || Port(parts[2]) == _server.Port)
                {
                    count++;
                }
            }
        }
        catch (IOException)
        {
            return -1;
        }

        return count;
    }

    private static int Port(string addressAndPort)
    {
        int colon = addressAndPort.IndexOf(':');
        return colon < 0 ? -1 : int.Parse(addressAndPort.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
