using System.Net.WebSockets;
using System.Text;
using System.Threading;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Integration;

/// <summary>.NET's own ClientWebSocket against the server over loopback.</summary>
public class ClientWebSocketTests
{
    [Test]
    public async Task Echo_TextAndBinary_ComeBackUnchanged()
    {
        await using var server = await TestServer.StartEchoAsync();
        using var client = await TestServer.ConnectClientAsync(server.Uri());
        using var cts = new CancellationTokenSource(TestServer.Timeout);

        await client.SendAsync(Encoding.UTF8.GetBytes("héllo"), WebSocketMessageType.Text, true, cts.Token);
        var (type, data) = await ReceiveAsync(client, cts.Token);
        Assert.That(type, Is.EqualTo(WebSocketMessageType.Text));
        Assert.That(Encoding.UTF8.GetString(data), Is.EqualTo("héllo"));

        await client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, cts.Token);
        (type, data) = await ReceiveAsync(client, cts.Token);
        Assert.That(type, Is.EqualTo(WebSocketMessageType.Binary));
        Assert.That(data, Is.EqualTo(new byte[] { 1, 2, 3 }));

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
        var (_, close) = await server.NextCloseAsync();
        Assert.That(close.Cause, Is.EqualTo(WsCloseCause.ClientClosed));
        Assert.That(close.Code, Is.EqualTo(1000));
        Assert.That(close.Reason, Is.EqualTo("bye"));
        Assert.That(client.CloseStatus, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
    }

    internal static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(WebSocket client, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var ms = new System.IO.MemoryStream();
        while (true)
        {
            var r = await client.ReceiveAsync(buffer, ct);
            ms.Write(buffer, 0, r.Count);
            if (r.EndOfMessage)
            {
                return (r.MessageType, ms.ToArray());
            }
        }
    }
}
