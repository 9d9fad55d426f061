using System;
using System.Buffers.Binary;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Load;

/// <summary>Raw-socket client side of RFC 6455: the handshake, frames built once, and a minimal frame scanner.</summary>
internal static class WsClient
{
    // RFC 6455 §1.3's sample key. The 101's accept value is not checked: the status line is enough here.
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    // Linux's IP_BIND_ADDRESS_NO_PORT (SOL_IP): bind the source address only; the port is
    // chosen at connect, per destination, instead of being reserved for every destination.
    private const int SolIp = 0;
    private const int IpBindAddressNoPort = 24;

    /// <summary>
    /// Connects (from <paramref name="source"/> when given: another 127.x address gives another
    /// set of ephemeral ports), sends the upgrade request and waits for "HTTP/1.1 101"; returns
    /// the bytes read after the head. The socket closes with a reset unless its LingerState is changed.
    /// When the request offers permessage-deflate, the 101 must agree to it (<see cref="ClientDeflate.Agreed"/>).
    /// </summary>
    public static async Task<(Socket Socket, byte[] Leftover)> ConnectAsync(IPEndPoint endPoint, byte[] request, CancellationToken ct, IPAddress? source = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        // Close with a reset: no TIME_WAIT, so thousands of connections per run do not use up the ports.
        socket.LingerState = new LingerOption(true, 0);
        try
        {
            if (source is not null)
            {
                if (OperatingSystem.IsLinux())
                {
                    socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
                }

                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(endPoint, ct);
            await SendAllAsync(socket, request, ct);
            var buffer = new byte[4096];
            int filled = 0;
            while (true)
            {
                int n = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, ct);
                if (n == 0)
                {
                    throw new IOException("the server closed during the handshake");
                }

                filled += n;
                int head = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
                if (head >= 0)
                {
                    if (!buffer.AsSpan(0, filled).StartsWith("HTTP/1.1 101"u8))
                    {
                        int eol = buffer.AsSpan(0, filled).IndexOf("\r\n"u8);
                        throw new IOException("handshake refused: " + Encoding.ASCII.GetString(buffer, 0, eol));
                    }

                    if (request.AsSpan().IndexOf("permessage-deflate"u8) >= 0
                        && !ClientDeflate.Agreed(Encoding.ASCII.GetString(buffer, 0, head), out var answer))
                    {
                        throw new IOException($"the server did not agree to '{ClientDeflate.Offer}': Sec-WebSocket-Extensions: {answer ?? "(none)"}");
                    }

                    return (socket, buffer.AsSpan(head + 4, filled - head - 4).ToArray());
                }

                if (filled == buffer.Length)
                {
                    throw new IOException("response head too large");
                }
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The upgrade request; with <paramref name="deflate"/>, offering <see cref="ClientDeflate.Offer"/>.</summary>
    public static byte[] UpgradeRequest(string path, string hostHeader, bool deflate = false) => Encoding.ASCII.GetBytes(
        $"GET {path} HTTP/1.1\r\nHost: {hostHeader}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n" +
        (deflate ? $"Sec-WebSocket-Extensions: {ClientDeflate.Offer}\r\n" : "") + "\r\n");

    /// <summary>
    /// One client frame: FIN, the opcode, MASK set with a zero key. RFC 6455 §5.3 asks for a key
    /// the server cannot predict, but any key is valid on the wire, and XOR with zero leaves the
    /// payload as it is: the frame is built once and sent many times with no masking work.
    /// <paramref name="rsv1"/> marks a compressed message (RFC 7692 §6: RSV1 on its first frame).
    /// </summary>
    public static byte[] BuildFrame(byte opcode, ReadOnlySpan<byte> payload, int copies = 1, bool rsv1 = false)
    {
        int len = payload.Length;
        int h = len <= 125 ? 2 : len <= ushort.MaxValue ? 4 : 10;
        int frameLength = h + 4 + len;
        var frames = new byte[frameLength * copies];
        var f = frames.AsSpan(0, frameLength);
        f[0] = (byte)(0x80 | (rsv1 ? 0x40 : 0) | opcode);
        if (len <= 125)
        {
            f[1] = (byte)(0x80 | len);
        }
        else if (len <= ushort.MaxValue)
        {
            f[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(f.Slice(2), (ushort)len);
        }
        else
        {
            f[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(f.Slice(2), (ulong)len);
        }

        payload.CopyTo(f.Slice(h + 4));
        for (int i = 1; i < copies; i++)
        {
            f.CopyTo(frames.AsSpan(i * frameLength));
        }

        return frames;
    }

    /// <summary>Where a frame's payload starts in a frame built by <see cref="BuildFrame"/>.</summary>
    public static int PayloadOffset(int payloadLength) => (payloadLength <= 125 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10) + 4;

    public static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        while (!data.IsEmpty)
        {
            int n = await socket.SendAsync(data, SocketFlags.None, ct);
            data = data.Slice(n);
        }
    }
}

/// <summary>Receives what <see cref="FrameScanner"/> finds.</summary>
internal interface IMessageSink
{
    /// <summary>A whole data message: its length and up to the first 16 bytes of its payload.</summary>
    void OnMessage(long length, ReadOnlySpan<byte> prefix);

    /// <summary>A close frame arrived.</summary>
    void OnClose();

    /// <summary>A close frame arrived, with its payload (the code, big-endian, and the reason); calls <see cref="OnClose()"/> unless replaced.</summary>
    void OnClose(ReadOnlySpan<byte> payload) => OnClose();

    /// <summary>A ping arrived, with its payload (at most 125 bytes); ignored unless replaced.</summary>
    void OnPing(ReadOnlySpan<byte> payload)
    {
    }
}

/// <summary>
/// The least parsing that counts messages: headers (server frames unmasked, or masked when the
/// raw TCP server echoes the client's frames with their zero key), payload lengths, and the
/// first 16 payload bytes of each message (the fanout's sequence number and timestamp).
/// Resumes anywhere, even inside a header. Close and ping frames are reported with their
/// payload; pongs are skipped. A compressed message (RSV1 on its first frame, RFC 7692 §6) is
/// kept whole and inflated (<see cref="ClientDeflate.Inflate"/>): the sink sees its inflated
/// length and first bytes.
/// </summary>
internal sealed class FrameScanner
{
    private byte[] _compressed = Array.Empty<byte>();
    private int _compressedLength;
    private bool _isCompressed;
    private readonly byte[] _head = new byte[14];
    private readonly byte[] _prefix = new byte[16];
    // RFC 6455 §5.5: a control frame carries at most 125 bytes and may come between the fragments of a message.
    private readonly byte[] _control = new byte[125];
    private int _controlLength;
    private int _headLength;
    private bool _inPayload;
    private long _remaining;
    private bool _fin;
    private int _opcode;
    private long _messageLength;
    private int _prefixLength;

    public void Scan(ReadOnlySpan<byte> data, IMessageSink sink)
    {
        int i = 0;
        while (i < data.Length)
        {
            if (!_inPayload)
            {
                if (_headLength < 2)
                {
                    _head[_headLength++] = data[i++];
                    if (_headLength < 2)
                    {
                        continue;
                    }
                }

                int len7 = _head[1] & 0x7F;
                int needed = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((_head[1] & 0x80) != 0 ? 4 : 0);
                int take = Math.Min(needed - _headLength, data.Length - i);
                data.Slice(i, take).CopyTo(_head.AsSpan(_headLength));
                _headLength += take;
                i += take;
                if (_headLength < needed)
                {
                    return;
                }

                StartFrame(len7);
                if (_remaining == 0)
                {
                    EndFrame(sink);
                }

                continue;
            }

            int n = (int)Math.Min(_remaining, data.Length - i);
            if (_opcode < 8 && _isCompressed)
            {
                Keep(data.Slice(i, n));
            }
            else if (_opcode < 8 && _prefixLength < _prefix.Length)
            {
                int copy = Math.Min(n, _prefix.Length - _prefixLength);
                data.Slice(i, copy).CopyTo(_prefix.AsSpan(_prefixLength));
                _prefixLength += copy;
            }

            if (_opcode < 8)
            {
                _messageLength += n;
            }
            else if (_controlLength < _control.Length)
            {
                int copy = Math.Min(n, _control.Length - _controlLength);
                data.Slice(i, copy).CopyTo(_control.AsSpan(_controlLength));
                _controlLength += copy;
            }

            _remaining -= n;
            i += n;
            if (_remaining == 0)
            {
                EndFrame(sink);
            }
        }
    }

    private void StartFrame(int len7)
    {
        _fin = (_head[0] & 0x80) != 0;
        int opcode = _head[0] & 0x0F;
        _remaining = len7 == 126 ? BinaryPrimitives.ReadUInt16BigEndian(_head.AsSpan(2))
            : len7 == 127 ? (long)BinaryPrimitives.ReadUInt64BigEndian(_head.AsSpan(2)) : len7;
        if (opcode is 1 or 2)
        {
            _messageLength = 0;
            _prefixLength = 0;
            _isCompressed = (_head[0] & 0x40) != 0;
            _compressedLength = 0;
        }

        _opcode = opcode;
        _controlLength = 0;
        _inPayload = true;
    }

    private void EndFrame(IMessageSink sink)
    {
        _inPayload = false;
        _headLength = 0;
        if (_opcode == 8)
        {
            sink.OnClose(_control.AsSpan(0, _controlLength));
        }
        else if (_opcode == 9)
        {
            sink.OnPing(_control.AsSpan(0, _controlLength));
        }
        else if (_opcode < 8 && _fin && _isCompressed)
        {
            var inflated = ClientDeflate.Inflate(_compressed.AsSpan(0, _compressedLength));
            sink.OnMessage(inflated.Length, inflated.Prefix);
        }
        else if (_opcode < 8 && _fin)
        {
            sink.OnMessage(_messageLength, _prefix.AsSpan(0, _prefixLength));
        }
    }

    private void Keep(ReadOnlySpan<byte> chunk)
    {
        if (_compressedLength + chunk.Length > _compressed.Length)
        {
            Array.Resize(ref _compressed, Math.Max(_compressedLength + chunk.Length, Math.Max(4096, _compressed.Length * 2)));
        }

        chunk.CopyTo(_compressed.AsSpan(_compressedLength));
        _compressedLength += chunk.Length;
    }
}
