using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace EmbedWs.Tests.TestSupport;

/// <summary>
/// A WebSocket server that went silent: it completes the opening handshake, then reads what the
/// client sends and never answers anything, not even a close. For client timeout tests: an
/// EmbedWs server always answers a JSON ping, so it cannot play this part.
/// </summary>
internal sealed class SilentServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = new();

    private SilentServer()
    {
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every frame each connection sent, in order: (connection number from 0, opcode, unmasked payload).</summary>
    public ConcurrentQueue<(int Connection, byte Opcode, byte[] Payload)> Frames { get; } = new();

    public int Accepted => Volatile.Read(ref _accepted);

    private int _accepted;

    public static SilentServer Start() => new();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await Task.WhenAll(_connections.ToArray()).WaitAsync(TimeSpan.FromSeconds(10));
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            int number = Interlocked.Increment(ref _accepted) - 1;
            lock (_connections)
            {
                _connections.Add(ServeAsync(socket, number));
            }
        }
    }

    private async Task ServeAsync(Socket socket, int number)
    {
        using var _ = socket;
        var received = new List<byte>();
        var buffer = new byte[4096];
        try
        {
            // The handshake: read the head, answer 101 with the accept key (RFC 6455 §4.2.2).
            string head = string.Empty;
            while (!head.Contains("\r\n\r\n"))
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    return;
                }

                head += Encoding.ASCII.GetString(buffer, 0, n);
            }

            string key = head.Split("\r\n").First(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase)).Split(':', 2)[1].Trim();
            string accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
            await socket.SendAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"), SocketFlags.None, _stop.Token);
            received.AddRange(Encoding.ASCII.GetBytes(head.Substring(head.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)));

            // Then only listen, taking the client's frames apart (small ones: 7-bit lengths).
            while (true)
            {
                TakeFrames(received, number);
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    return;
                }

                received.AddRange(buffer.AsSpan(0, n).ToArray());
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private void TakeFrames(List<byte> bytes, int number)
    {
        while (bytes.Count >= 6 && (bytes[1] & 0x7F) <= 125 && bytes.Count >= 6 + (bytes[1] & 0x7F))
        {
            int length = bytes[1] & 0x7F;
            var payload = new byte[length];
            for (int i = 0; i < length; i++)
            {
                payload[i] = (byte)(bytes[6 + i] ^ bytes[2 + (i % 4)]);
            }

            Frames.Enqueue((number, (byte)(bytes[0] & 0x0F), payload));
            bytes.RemoveRange(0, 6 + length);
        }
    }
}
