using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace EmbedWs.Tests.TestSupport;

// The response head of the server: status and headers (names compared ignoring case).
internal sealed record HttpHead(int Status, IReadOnlyDictionary<string, string> Headers, string Raw)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

// One frame as the server sent it. Len7 is the 7-bit length field, to check the length encoding.
internal sealed record ServerFrame(bool Fin, byte Opcode, int Len7, byte[] Payload)
{
    public string Text => Encoding.UTF8.GetString(Payload);
}

// A server close frame: Code is 1005 when the payload was empty (§7.1.5).
internal sealed record ServerClose(ushort Code, string Reason);

// A WebSocket client on a bare TCP socket, for what ClientWebSocket cannot do: bad handshakes,
// malformed frames, half frames, resets, never reading. Every await is bounded by Timeout.
// Frames from the server are parsed strictly: a masked server frame, a set RSV bit or a
// non-minimal length fails the test (RFC 6455 §5.1, §5.2).
internal sealed class RawClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Stream _stream;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private RawClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    private RawClient(Stream stream) => _stream = stream;

    private readonly Socket? _socket;

    public Socket Socket => _socket ?? throw new InvalidOperationException("This client runs over an in-memory stream, not a socket.");

    // A client over a stream whose handshake is already done (an in-memory duplex stream, for
    // WsServer.AcceptAsync): frames only.
    public static RawClient Over(Stream stream) => new(stream);

    // Opens TCP to 127.0.0.1:port; configure runs before connecting (e.g. ReceiveBufferSize).
    public static async Task<RawClient> ConnectAsync(int port, Action<Socket>? configure = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        configure?.Invoke(socket);
        using var cts = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
        return new RawClient(socket);
    }

    // Connects and completes a valid handshake, checking 101 and Sec-WebSocket-Accept.
    public static async Task<RawClient> OpenAsync(int port, Action<Socket>? configure = null, string path = "/")
    {
        var client = await ConnectAsync(port, configure);
        var request = new RawRequest(port, path);
        await client.SendAsync(request.ToBytes());
        var head = await client.ReadHeadAsync();
        Assert.That(head.Status, Is.EqualTo(101), head.Raw);
        Assert.That(head.Header("Sec-WebSocket-Accept"), Is.EqualTo(RawRequest.ExpectedAccept(request.Key)));
        return client;
    }

    public async Task SendAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await _stream.WriteAsync(bytes, cts.Token);
    }

    public Task SendAsync(string ascii) => SendAsync(Encoding.ASCII.GetBytes(ascii));

    // One socket write per byte (NoDelay is on): the server sees the bytes in many reads.
    public async Task SendByteByByteAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(Timeout);
        for (int i = 0; i < bytes.Length; i++)
        {
            await _stream.WriteAsync(bytes.AsMemory(i, 1), cts.Token);
            await _stream.FlushAsync(cts.Token);
        }
    }

    // Reads up to the blank line. Bytes after it stay buffered for ReadFrameAsync.
    public async Task<HttpHead> ReadHeadAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        int end;
        while ((end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            Assert.That(_end - _start, Is.LessThan(64 * 1024), "response head too long");
            await FillAsync(_end - _start + 1, cts.Token);
        }

        string raw = Encoding.ASCII.GetString(_buffer, _start, end);
        _start += end + 4;
        var lines = raw.Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        Assert.That(statusParts[0], Is.EqualTo("HTTP/1.1"), raw);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 1; i < lines.Length; i++)
        {
            int colon = lines[i].IndexOf(':');
            Assert.That(colon, Is.GreaterThan(0), raw);
            string name = lines[i].Substring(0, colon);
            string value = lines[i].Substring(colon + 1).Trim();
            headers[name] = headers.TryGetValue(name, out var old) ? old + ", " + value : value;
        }

        return new HttpHead(int.Parse(statusParts[1]), headers, raw);
    }

    // The body of a response, by its Content-Length.
    public async Task<string> ReadBodyAsync(HttpHead head)
    {
        int length = int.Parse(head.Header("Content-Length") ?? "0");
        using var cts = new CancellationTokenSource(Timeout);
        await FillAsync(length, cts.Token);
        string body = Encoding.UTF8.GetString(_buffer, _start, length);
        _start += length;
        return body;
    }

    public async Task<ServerFrame> ReadFrameAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var ct = cts.Token;
        await FillAsync(2, ct);
        byte b0 = _buffer[_start], b1 = _buffer[_start + 1];
        Assert.That(b1 & 0x80, Is.Zero, "RFC 6455 §5.1: a server must never mask a frame");
        Assert.That(b0 & 0x70, Is.Zero, "RSV bits set without a negotiated extension");
        int len7 = b1 & 0x7F;
        int headerLength = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
        await FillAsync(headerLength, ct);
        long length = len7;
        if (len7 == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start + 2));
            Assert.That(length, Is.GreaterThan(125), "§5.2: the minimal length encoding must be used");
        }
        else if (len7 == 127)
        {
            ulong raw = BinaryPrimitives.ReadUInt64BigEndian(_buffer.AsSpan(_start + 2));
            Assert.That(raw >> 63, Is.Zero, "§5.2: the 64-bit length's top bit must be 0");
            Assert.That(raw, Is.GreaterThan(65535UL), "§5.2: the minimal length encoding must be used");
            Assert.That(raw, Is.LessThanOrEqualTo(64UL * 1024 * 1024), "implausibly long server frame");
            length = (long)raw;
        }

        _start += headerLength;
        var payload = new byte[length];
        int buffered = Math.Min(_end - _start, (int)length);
        _buffer.AsSpan(_start, buffered).CopyTo(payload);
        _start += buffered;
        if (buffered < length)
        {
            await _stream.ReadExactlyAsync(payload.AsMemory(buffered), ct);
        }

        byte opcode = (byte)(b0 & 0x0F);
        bool fin = (b0 & 0x80) != 0;
        if (opcode >= 0x8)
        {
            Assert.That(fin, Is.True, "§5.5: control frames must not be fragmented");
            Assert.That(length, Is.LessThanOrEqualTo(125), "§5.5: control payloads are at most 125 bytes");
        }

        return new ServerFrame(fin, opcode, len7, payload);
    }

    // The next data message, reassembled; a control frame before it fails the test.
    public async Task<(byte Opcode, byte[] Payload)> ReadMessageAsync()
    {
        var first = await ReadFrameAsync();
        Assert.That(first.Opcode, Is.AnyOf(ClientFrame.OpText, ClientFrame.OpBinary), $"expected a data frame, got opcode {first.Opcode}");
        if (first.Fin)
        {
            return (first.Opcode, first.Payload);
        }

        using var all = new MemoryStream();
        all.Write(first.Payload);
        while (true)
        {
            var next = await ReadFrameAsync();
            Assert.That(next.Opcode, Is.EqualTo(ClientFrame.OpContinuation));
            all.Write(next.Payload);
            if (next.Fin)
            {
                return (first.Opcode, all.ToArray());
            }
        }
    }

    public async Task<string> ReadTextAsync()
    {
        var (opcode, payload) = await ReadMessageAsync();
        Assert.That(opcode, Is.EqualTo(ClientFrame.OpText));
        return Encoding.UTF8.GetString(payload);
    }

    // The next frame must be a close; its code (1005 for an empty payload) and reason.
    public async Task<ServerClose> ReadCloseAsync()
    {
        var frame = await ReadFrameAsync();
        Assert.That(frame.Opcode, Is.EqualTo(ClientFrame.OpClose), $"expected a close frame, got opcode {frame.Opcode}");
        Assert.That(frame.Payload.Length, Is.Not.EqualTo(1), "§5.5.1: a close payload has 0 or at least 2 bytes");
        if (frame.Payload.Length == 0)
        {
            return new ServerClose(1005, string.Empty);
        }

        var reason = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(frame.Payload, 2, frame.Payload.Length - 2);
        return new ServerClose(BinaryPrimitives.ReadUInt16BigEndian(frame.Payload), reason);
    }

    // True once the server ended TCP (a read returns 0 or the connection is reset) within
    // the time given; false when it is still open then. Bytes read meanwhile are dropped.
    // Like a real client (§7.1.1), it then closes its own side, so the server sees the end.
    public async Task<bool> WaitServerClosedAsync(TimeSpan within)
    {
        _start = _end = 0;
        using var cts = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                if (await _stream.ReadAsync(_buffer, cts.Token) == 0)
                {
                    _stream.Dispose();
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            _stream.Dispose();
            return true;
        }
    }

    public async Task AssertServerClosedAsync(TimeSpan within, string because = "the server should have closed TCP")
    {
        var clock = Stopwatch.StartNew();
        Assert.That(await WaitServerClosedAsync(within), Is.True, $"{because} (waited {clock.ElapsedMilliseconds} ms)");
    }

    // Abortive close: with linger 0, Close sends RST instead of FIN.
    public void Reset()
    {
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Close();
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        return default;
    }

    // Ensures at least count unread bytes are buffered.
    private async Task FillAsync(int count, CancellationToken ct)
    {
        if (_end - _start >= count)
        {
            return;
        }

        if (_buffer.Length - _start < count)
        {
            var bigger = _buffer.Length < count ? new byte[Math.Max(count, _buffer.Length * 2)] : _buffer;
            Buffer.BlockCopy(_buffer, _start, bigger, 0, _end - _start);
            _end -= _start;
            _start = 0;
            _buffer = bigger;
        }

        while (_end - _start < count)
        {
            int n = await _stream.ReadAsync(_buffer.AsMemory(_end), ct);
            if (n == 0)
            {
                throw new EndOfStreamException($"the server closed TCP with {_end - _start} of {count} bytes read");
            }

            _end += n;
        }
    }
}
