using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EmbedWs.Dispatch;

namespace EmbedWs.Benchmarks.Micro;

/// <summary>
/// What the loopback benchmarks share: a real EmbedWs server on 127.0.0.1 (Inline dispatch, no
/// heartbeat, configured by the caller) and a blocking raw-socket client that has done the
/// opening handshake. The client allocates nothing afterwards.
/// </summary>
internal static class LoopbackClient
{
    public static (WsServer Server, Socket Client) Start(Action<WsServer> configure, byte[] receive)
    {
        var server = new WsServer(new WsServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            Dispatch = EventDispatch.Inline,
            Heartbeat = HeartbeatPolicy.None,
        });
        configure(server);
        server.StartAsync().GetAwaiter().GetResult();

        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(new IPEndPoint(IPAddress.Loopback, server.Port));
        client.Send(Encoding.ASCII.GetBytes(
            $"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        int filled = 0;
        while (receive.AsSpan(0, filled).IndexOf("\r\n\r\n"u8) < 0)
        {
            filled += client.Receive(receive, filled, receive.Length - filled, SocketFlags.None);
        }

        return (server, client);
    }

    /// <summary>Writes one masked frame (a non-zero key, as browsers send) of a payload under 126 bytes.</summary>
    public static void WriteMaskedFrame(Span<byte> frame, byte opcode, ReadOnlySpan<byte> payload)
    {
        ReadOnlySpan<byte> key = stackalloc byte[] { 0x11, 0x22, 0x33, 0x44 };
        frame[0] = (byte)(0x80 | opcode);
        frame[1] = (byte)(0x80 | payload.Length);
        key.CopyTo(frame.Slice(2));
        for (int i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ key[i % 4]);
        }
    }
}
