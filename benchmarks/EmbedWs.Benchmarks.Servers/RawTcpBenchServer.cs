using System;
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Servers;

/// <summary>
/// The ceiling: reads the request head, answers with a fixed 101, then sends every byte back
/// as it came (the client's masked frames return as they are: no framing work at all). One
/// 16 KiB buffer per connection, the size of EmbedWs's receive buffer. With
/// <c>lowMemory</c> (the conns test) an idle connection holds no buffer: it waits with a
/// zero-byte receive and rents the buffer only while data flows, which shows what the runtime
/// and the kernel's socket cost per connection with nothing else held.
/// </summary>
internal static class RawTcpBenchServer
{
    private const int BufferSize = 16 * 1024;

    // The accept key belongs to the RFC 6455 §1.3 sample key; the load generator sends that key
    // and does not check the answer, so one fixed response serves every client.
    internal static readonly byte[] UpgradeResponse = Encoding.ASCII.GetBytes(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");

    public static async Task RunAsync(int port, bool lowMemory, CancellationToken stop)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(512);
        Program.Ready("rawtcp", lowMemory ? "conns" : "echo", port);
        using var registration = stop.Register(() => listener.Dispose());
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            _ = EchoAsync(client, lowMemory);
        }
    }

    private static async Task EchoAsync(Socket socket, bool lowMemory)
    {
        socket.NoDelay = true;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int filled = 0, head;
            while ((head = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
            {
                int n = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
                if (n == 0 || filled + n == buffer.Length)
                {
                    return;
                }

                filled += n;
            }

            await SendAllAsync(socket, UpgradeResponse);
            if (filled > head + 4)
            {
                await SendAllAsync(socket, buffer.AsMemory(head + 4, filled - head - 4));
            }

            while (true)
            {
                if (lowMemory && socket.Available == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = Array.Empty<byte>();
                    await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
                    buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                }

                int n = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
                if (n == 0)
                {
                    return;
                }

                await SendAllAsync(socket, buffer.AsMemory(0, n));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            socket.Dispose();
        }
    }

    internal static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            int n = await socket.SendAsync(data, SocketFlags.None);
            data = data.Slice(n);
        }
    }
}
