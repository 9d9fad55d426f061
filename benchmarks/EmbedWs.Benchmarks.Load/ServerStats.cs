using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace EmbedWs.Benchmarks.Load;

/// <summary>
/// <c>--server-stats</c>: the bytes the server process allocated over the measured window, from
/// its <c>GET /stats</c> (<c>{"allocatedBytes":N}</c>, <c>GC.GetTotalAllocatedBytes(true)</c>;
/// the .NET bench servers answer it) read at both ends of the window, divided by the messages (or
/// replies) of the window. Everything the server allocated counts: sockets, framing, handlers,
/// JSON. A server without <c>/stats</c> (the console host, Node) gets no figure.
/// </summary>
internal sealed class ServerStats
{
    private readonly LoadOptions _o;
    private readonly byte[] _request;
    private bool _failed;

    public ServerStats(LoadOptions o)
    {
        _o = o;
        _request = Encoding.ASCII.GetBytes($"GET /stats HTTP/1.1\r\nHost: {o.HostHeader}\r\nConnection: close\r\n\r\n");
        Counters = new Func<long>[] { Allocated };
    }

    /// <summary>The counters for <see cref="Measurement.RunAsync"/>: read at both ends of the window.</summary>
    public Func<long>[] Counters { get; }

    /// <summary>Adds <c>allocBytesPerMsg</c> when both readings succeeded.</summary>
    public void AddTo(Dictionary<string, object> result, Measurement window, long messages)
    {
        if (!_failed && messages > 0)
        {
            result["allocBytesPerMsg"] = Math.Round(window.Of(Counters[0]) / (double)messages, 1);
        }
    }

    /// <summary>One number of the server's <c>GET /stats</c>; null when the server has no such figure.</summary>
    public long? Read(string field)
    {
        bool failed = _failed;
        long value = Read(field, out bool found);
        _failed = failed;
        return found ? value : null;
    }

    // Called synchronously by Measurement at the edges of the window: a blocking request is fine there.
    private long Allocated() => Read("allocatedBytes", out _);

    private long Read(string field, out bool found)
    {
        found = false;
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.ReceiveTimeout = 5000;
            socket.SendTimeout = 5000;
            socket.Connect(_o.EndPoint);
            socket.Send(_request);
            var response = new List<byte>();
            var buffer = new byte[4096];
            int n;
            while ((n = socket.Receive(buffer)) > 0)
            {
                response.AddRange(buffer.AsSpan(0, n).ToArray());
            }

            string text = Encoding.UTF8.GetString(response.ToArray());
            int open = text.IndexOf("\r\n\r\n{", StringComparison.Ordinal), close = text.LastIndexOf('}');
            if (!text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) || open < 0 || close < open)
            {
                _failed = true;
                return 0;
            }

            using var doc = JsonDocument.Parse(text.Substring(open + 4, close - open - 3));
            long value = doc.RootElement.GetProperty(field).GetInt64();
            found = true;
            return value;
        }
        catch (Exception ex) when (ex is SocketException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            _failed = true;
            return 0;
        }
    }
}
