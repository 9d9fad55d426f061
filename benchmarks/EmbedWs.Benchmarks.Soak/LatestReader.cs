using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>
/// One client of the latest-by-key soak, on .NET's own <see cref="ClientWebSocket"/>. It checks
/// that each key's values never go backwards and, at the <c>done</c> marker, that the last value
/// it saw per key is the last one the server sent. A slow reader has a 4 KiB socket receive
/// buffer, pauses after every message, and now and then stops reading for seconds; once the
/// stream has stopped (<see cref="Draining"/>) it reads at full speed, to drain.
/// </summary>
internal sealed class LatestReader
{
    private const int SlowReceiveBuffer = 4096;
    private readonly long[] _last;
    private readonly bool _slow;
    private readonly Random _random;
    private readonly LatestDriverOptions _o;

    public LatestReader(int index, bool slow, LatestDriverOptions o)
    {
        Index = index;
        _slow = slow;
        _o = o;
        _last = new long[o.Keys];
        _random = new Random(o.Seed * 7919 + index);
    }

    public int Index { get; }
    public bool Slow => _slow;
    public long Received;
    public long Backwards;
    public long Stops;
    public bool Done;

    /// <summary>Null while fine; else what went wrong (the first thing).</summary>
    public string? Failure { get; private set; }

    /// <summary>Set by the driver when the stream stopped: slow readers stop pausing.</summary>
    public static volatile bool Draining;

    public async Task RunAsync(CancellationToken hard)
    {
        try
        {
            using var handler = new SocketsHttpHandler { ConnectCallback = ConnectAsync };
            using var invoker = new HttpMessageInvoker(handler);
            using var ws = new ClientWebSocket();
            await ws.ConnectAsync(_o.Url, invoker, hard);
            using var reading = CancellationTokenSource.CreateLinkedTokenSource(hard);
            var input = SendInputAsync(ws, reading.Token);
            await ReadAsync(ws, hard);
            reading.Cancel();
            await input;
            if (Done && ws.State == WebSocketState.Open)
            {
                await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "checked", hard);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpRequestException or IOException or SocketException)
        {
            Fail($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task ReadAsync(ClientWebSocket ws, CancellationToken hard)
    {
        var buffer = new byte[64 * 1024];
        long nextStop = Environment.TickCount64 + _random.Next(10_000, 25_000);
        while (true)
        {
            int length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await ws.ReceiveAsync(buffer.AsMemory(length), hard);
                length += result.Count;
            }
            while (!result.EndOfMessage && length < buffer.Length);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                Fail($"closed by the server before done: {ws.CloseStatus} {ws.CloseStatusDescription}");
                return;
            }

            Interlocked.Increment(ref Received);
            if (OnMessage(buffer.AsSpan(0, length)))
            {
                return;
            }

            if (_slow && !Draining)
            {
                if (Environment.TickCount64 >= nextStop)
                {
                    // Stop reading for seconds: the server's queue for us fills, and must replace, not grow.
                    Stops++;
                    await Task.Delay(_random.Next(2000, 5000), hard);
                    nextStop = Environment.TickCount64 + _random.Next(10_000, 25_000);
                }
                else
                {
                    await Task.Delay(_o.SlowPauseMs, hard);
                }
            }
        }
    }

    /// <summary>
    /// Every <c>--input-ms</c>, a small text message, as a game client sends its input; the server
    /// ignores it. It also keeps the default heartbeat from pinging: a ping would wait behind
    /// the data a slow reader has not read yet (README, soak section).
    /// </summary>
    private async Task SendInputAsync(ClientWebSocket ws, CancellationToken ct)
    {
        if (_o.InputMs == 0)
        {
            return;
        }

        var input = "i"u8.ToArray();
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_o.InputMs));
            while (await timer.WaitForNextTickAsync(ct) && ws.State == WebSocketState.Open)
            {
                await ws.SendAsync(input, WebSocketMessageType.Text, endOfMessage: true, ct);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The connection ended or reading finished: the read loop reports what matters.
        }
    }

    /// <summary>Checks one message; true at the done marker.</summary>
    private bool OnMessage(ReadOnlySpan<byte> message)
    {
        var text = Encoding.ASCII.GetString(message);
        if (text.StartsWith("u:", StringComparison.Ordinal))
        {
            // u:KEY:SEQ:padding
            int second = text.IndexOf(':', 2), third = text.IndexOf(':', second + 1);
            int key = int.Parse(text.AsSpan(2, second - 2), CultureInfo.InvariantCulture);
            long seq = long.Parse(text.AsSpan(second + 1, third - second - 1), CultureInfo.InvariantCulture);
            if (seq <= _last[key])
            {
                Backwards++;
                Fail($"key {key}: {seq} after {_last[key]}");
            }

            _last[key] = seq;
            return false;
        }

        if (!text.StartsWith("done:", StringComparison.Ordinal))
        {
            Fail($"unexpected message '{text[..Math.Min(40, text.Length)]}'");
            return false;
        }

        var finals = text.Substring(5).Split(',');
        if (finals.Length != _last.Length)
        {
            Fail($"done names {finals.Length} keys, expected {_last.Length}");
        }

        for (int k = 0; k < Math.Min(finals.Length, _last.Length); k++)
        {
            long final = long.Parse(finals[k], CultureInfo.InvariantCulture);
            if (_last[k] != final)
            {
                Fail($"key {k}: last seen {_last[k]}, last sent {final}");
                break;
            }
        }

        Done = true;
        return true;
    }

    private void Fail(string why)
    {
        Failure ??= why;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (_slow)
        {
            // Before connect, so the window the client offers is small from the first segment.
            socket.ReceiveBufferSize = SlowReceiveBuffer;
        }

        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
