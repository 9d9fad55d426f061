using System;
using System.Buffers.Binary;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Load;

/// <summary>
/// The client side of SignalR's JSON hub protocol over a raw WebSocket (fanout <c>--signalr</c>),
/// enough for the fan-out: the handshake, invocations of the hub's <c>Publish</c>, pings. Records
/// are JSON texts ending in 0x1E (the record separator), sent in text frames; the server may put
/// several records in one frame. Negotiation is skipped: the WebSocket goes straight to the hub's
/// URL, which the server allows when it serves the WebSockets transport only.
/// The fan-out's 16 bytes (sequence number and send time) travel as 32 hex digits at the start of
/// the invocation's one string argument, padded with 'x' to the payload size.
/// </summary>
internal static class SignalRWire
{
    /// <summary>The record separator that ends every record.</summary>
    public const byte Separator = 0x1E;

    /// <summary>Hex digits of the sequence number and send time at the start of the argument.</summary>
    public const int StampLength = 32;

    /// <summary>The handshake request: the JSON protocol, version 1.</summary>
    public static readonly byte[] HandshakeFrame = Text("{\"protocol\":\"json\",\"version\":1}");

    /// <summary>A ping (message type 6): keeps the server's client timeout (30 s by default) from closing a quiet subscriber.</summary>
    public static readonly byte[] PingFrame = Text("{\"type\":6}");

    /// <summary>
    /// A non-blocking invocation (type 1, no invocationId: the server sends no completion) of
    /// <c>Publish</c> with one string of <paramref name="argLength"/> characters; and where that
    /// string starts in the payload.
    /// </summary>
    public static (byte[] Payload, int StampOffset) Invocation(int argLength)
    {
        const string Head = "{\"type\":1,\"target\":\"Publish\",\"arguments\":[\"";
        string record = Head + new string('x', Math.Max(argLength, StampLength)) + "\"]}\u001e";
        return (Encoding.ASCII.GetBytes(record), Head.Length);
    }

    /// <summary>Writes the sequence number and the send time as 32 hex digits.</summary>
    public static void WriteStamp(Span<byte> hex, long seq, long timestamp)
    {
        Hex(hex, seq);
        Hex(hex.Slice(16), timestamp);
    }

    /// <summary>Reads 32 hex digits back into the fan-out's 16-byte prefix (both numbers little-endian).</summary>
    public static bool TryReadStamp(ReadOnlySpan<byte> hex, Span<byte> prefix)
    {
        if (hex.Length < StampLength || !TryHex(hex, out long seq) || !TryHex(hex.Slice(16), out long timestamp))
        {
            return false;
        }

        BinaryPrimitives.WriteInt64LittleEndian(prefix, seq);
        BinaryPrimitives.WriteInt64LittleEndian(prefix.Slice(8), timestamp);
        return true;
    }

    /// <summary>
    /// Sends the handshake request and reads the server's answer: one text frame holding
    /// <c>{}</c> and the separator (or an error, which fails the run). Returns the bytes after
    /// that frame. Nothing else is sent to a client before its handshake is answered.
    /// </summary>
    public static async Task<byte[]> HandshakeAsync(Socket socket, byte[] leftover, CancellationToken ct)
    {
        await WsClient.SendAllAsync(socket, HandshakeFrame, ct);
        var buffer = new byte[4096];
        leftover.CopyTo(buffer, 0);
        int filled = leftover.Length;
        while (true)
        {
            // A server frame: unmasked; the answer is short (7-bit length).
            if (filled >= 2 && 2 + (buffer[1] & 0x7F) <= filled)
            {
                int end = 2 + (buffer[1] & 0x7F);
                string answer = Encoding.UTF8.GetString(buffer, 2, end - 2);
                if ((buffer[0] & 0x0F) != 1 || (buffer[1] & 0x7F) > 125 || answer.Contains("error", StringComparison.Ordinal))
                {
                    throw new IOException("SignalR handshake refused: " + answer.TrimEnd('\u001e'));
                }

                return buffer.AsSpan(end, filled - end).ToArray();
            }

            int n = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, ct);
            if (n == 0)
            {
                throw new IOException("the server closed during the SignalR handshake");
            }

            filled += n;
        }
    }

    private static byte[] Text(string record) => WsClient.BuildFrame(1, Encoding.ASCII.GetBytes(record + "\u001e"));

    private static void Hex(Span<byte> dst, long value)
    {
        for (int i = 15; i >= 0; i--)
        {
            int d = (int)(value & 0xF);
            dst[i] = (byte)(d < 10 ? '0' + d : 'a' + d - 10);
            value >>>= 4;
        }
    }

    private static bool TryHex(ReadOnlySpan<byte> src, out long value)
    {
        value = 0;
        for (int i = 0; i < 16; i++)
        {
            int c = src[i];
            int d = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)d;
        }

        return true;
    }
}
