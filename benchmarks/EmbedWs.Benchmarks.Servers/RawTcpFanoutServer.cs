using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Servers;

/// <summary>
/// The fan-out ceiling: what EmbedWs's fanout server does (<c>server.Broadcast(m.Data, except: c)</c>
/// with default options), at the byte level and nothing more. The same fixed 101 as the raw TCP
/// echo; then every client frame is parsed and unmasked in a 16 KiB read buffer, and each whole
/// data message is framed once as a server frame and copied into every other connection's send
/// queue, with EmbedWs's batching rules (<c>src/EmbedWs/Transport/Outbox.cs</c>, the fan-out path):
/// one queue per connection; the first frame queued while no write runs starts that connection's
/// flush loop on the thread pool, so the publisher goes on at once and frames that pile up
/// meanwhile leave together; the flush loop takes the whole queue, offers it with one
/// non-blocking send and awaits an asynchronous send only for what the socket did not take, then
/// takes what was queued meanwhile. No handler, no dispatch, no session state, no metrics.
/// </summary>
internal static class RawTcpFanoutServer
{
    private const int BufferSize = 16 * 1024;

    // As EmbedWs's read loop: reads that complete at once in a row before the loop yields the thread.
    private const int MaxReadsInARow = 16;

    private static readonly ConcurrentDictionary<long, Peer> s_peers = new();
    private static long s_nextId;

    public static async Task RunAsync(int port, CancellationToken stop)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(512);
        Program.Ready("rawtcp", "fanout", port);
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

            _ = ServeAsync(client);
        }
    }

    private static async Task ServeAsync(Socket socket)
    {
        socket.NoDelay = true;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var peer = new Peer(Interlocked.Increment(ref s_nextId), socket);
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

            await RawTcpBenchServer.SendAllAsync(socket, RawTcpBenchServer.UpgradeResponse);

            // As EmbedWs's outbox: synchronous sends on the socket are non-blocking attempts.
            socket.Blocking = false;
            s_peers[peer.Id] = peer;
            filled -= head + 4;
            Buffer.BlockCopy(buffer, head + 4, buffer, 0, filled);
            int inARow = 0;
            while (true)
            {
                int used = Process(peer, buffer.AsSpan(0, filled));
                if (used < 0)
                {
                    return;
                }

                filled -= used;
                Buffer.BlockCopy(buffer, used, buffer, 0, filled);
                var read = socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
                int got;
                if (read.IsCompleted)
                {
                    got = read.Result;
                    if (++inARow >= MaxReadsInARow)
                    {
                        inARow = 1;
                        await Task.Yield();
                    }
                }
                else
                {
                    inARow = 0;
                    got = await read;
                }

                if (got == 0)
                {
                    return;
                }

                filled += got;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidDataException)
        {
        }
        finally
        {
            s_peers.TryRemove(peer.Id, out _);
            peer.Terminate();
            ArrayPool<byte>.Shared.Return(buffer);
            socket.Dispose();
        }
    }

    /// <summary>
    /// Parses the whole client frames in <paramref name="data"/>, unmasks each payload in place
    /// and publishes each whole data message; returns the bytes used (a partial frame stays), or
    /// -1 at a close frame.
    /// </summary>
    private static int Process(Peer sender, Span<byte> data)
    {
        int offset = 0;
        while (true)
        {
            var rest = data.Slice(offset);
            if (rest.Length < 2)
            {
                return offset;
            }

            int len7 = rest[1] & 0x7F;
            bool masked = (rest[1] & 0x80) != 0;
            int h = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
            if (rest.Length < h)
            {
                return offset;
            }

            long length = len7 == 126 ? BinaryPrimitives.ReadUInt16BigEndian(rest.Slice(2))
                : len7 == 127 ? (long)BinaryPrimitives.ReadUInt64BigEndian(rest.Slice(2)) : len7;
            if (length > BufferSize - h)
            {
                // Messages of the fanout test are small; a larger one ends the connection.
                throw new InvalidDataException("frame larger than the read buffer");
            }

            if (rest.Length < h + length)
            {
                return offset;
            }

            var payload = rest.Slice(h, (int)length);
            if (masked)
            {
                var key = rest.Slice(h - 4, 4);
                for (int i = 0; i < payload.Length; i++)
                {
                    payload[i] ^= key[i & 3];
                }
            }

            int opcode = rest[0] & 0x0F;
            if (opcode == 8)
            {
                return -1;
            }

            if (opcode is 1 or 2 && (rest[0] & 0x80) != 0)
            {
                Publish(sender, (byte)opcode, payload);
            }

            offset += h + (int)length;
        }
    }

    /// <summary>Frames the message once (unmasked server frame) and queues it to every other connection.</summary>
    private static void Publish(Peer sender, byte opcode, ReadOnlySpan<byte> payload)
    {
        int h = payload.Length <= 125 ? 2 : payload.Length <= ushort.MaxValue ? 4 : 10;
        byte[] frame = ArrayPool<byte>.Shared.Rent(h + payload.Length);
        frame[0] = (byte)(0x80 | opcode);
        if (h == 2)
        {
            frame[1] = (byte)payload.Length;
        }
        else if (h == 4)
        {
            frame[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        }
        else
        {
            frame[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
        }

        payload.CopyTo(frame.AsSpan(h));
        var bytes = frame.AsSpan(0, h + payload.Length);
        foreach (var pair in s_peers)
        {
            if (!ReferenceEquals(pair.Value, sender))
            {
                pair.Value.Write(bytes);
            }
        }

        ArrayPool<byte>.Shared.Return(frame);
    }

    /// <summary>One connection's send queue and flush loop: EmbedWs's Outbox on its fan-out path, and nothing else.</summary>
    private sealed class Peer
    {
        // EmbedWs's default MaxSendQueueBytes: a subscriber that does not read is dropped.
        private const int MaxQueueBytes = 1024 * 1024;

        private static readonly WaitCallback s_flushOnPool = state => _ = ((Peer)state!).FlushLoopAsync();

        private readonly object _lock = new();
        private readonly Socket _socket;
        private byte[]? _pending;
        private int _pendingLength;
        private int _writingLength;
        private bool _flushing;
        private bool _closed;

        public Peer(long id, Socket socket)
        {
            Id = id;
            _socket = socket;
        }

        public long Id { get; }

        /// <summary>Queues a frame; the first one while no write runs starts the flush loop on the thread pool.</summary>
        public void Write(ReadOnlySpan<byte> frame)
        {
            bool start = false, full = false;
            lock (_lock)
            {
                if (_closed)
                {
                    return;
                }

                int queued = _pendingLength + _writingLength;
                if (queued > 0 && queued + frame.Length > MaxQueueBytes)
                {
                    full = true;
                }
                else
                {
                    Reserve(frame.Length);
                    frame.CopyTo(_pending.AsSpan(_pendingLength - frame.Length));
                    start = !_flushing;
                    _flushing = true;
                }
            }

            if (full)
            {
                Terminate();
                _socket.Dispose();
            }
            else if (start)
            {
                ThreadPool.UnsafeQueueUserWorkItem(s_flushOnPool, this);
            }
        }

        /// <summary>The connection ended: nothing more is sent.</summary>
        public void Terminate()
        {
            lock (_lock)
            {
                _closed = true;
                if (!_flushing)
                {
                    Release();
                }
            }
        }

        private void Reserve(int length)
        {
            int needed = _pendingLength + length;
            if (_pending is null || _pending.Length < needed)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(4096, (_pending?.Length ?? 0) * 2)));
                if (_pending is not null)
                {
                    Buffer.BlockCopy(_pending, 0, bigger, 0, _pendingLength);
                    ArrayPool<byte>.Shared.Return(_pending);
                }

                _pending = bigger;
            }

            _pendingLength = needed;
        }

        private async Task FlushLoopAsync()
        {
            while (true)
            {
                byte[] chunk;
                int length;
                lock (_lock)
                {
                    if (_pendingLength == 0 || _closed)
                    {
                        _flushing = false;
                        Release();
                        return;
                    }

                    chunk = _pending!;
                    length = _pendingLength;
                    _pending = null;
                    _pendingLength = 0;
                    _writingLength = length;
                }

                try
                {
                    // One non-blocking attempt; the asynchronous send only for what the socket did not take.
                    int sent = _socket.Send(chunk, 0, length, SocketFlags.None, out var error);
                    if (error is not (SocketError.Success or SocketError.WouldBlock))
                    {
                        throw new SocketException((int)error);
                    }

                    sent = Math.Max(sent, 0);
                    if (sent < length)
                    {
                        await RawTcpBenchServer.SendAllAsync(_socket, chunk.AsMemory(sent, length - sent));
                    }
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                    lock (_lock)
                    {
                        _writingLength = 0;
                        _closed = true;
                        _flushing = false;
                        Release();
                    }

                    return;
                }

                ArrayPool<byte>.Shared.Return(chunk);
                lock (_lock)
                {
                    _writingLength = 0;
                }
            }
        }

        // Under the lock, when no flush runs: the queue's buffer goes back to the pool.
        private void Release()
        {
            if (_pending is not null)
            {
                ArrayPool<byte>.Shared.Return(_pending);
                _pending = null;
                _pendingLength = 0;
            }
        }
    }
}
