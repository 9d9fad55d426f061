using System.Linq;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Integration;

/// <summary>
/// permessage-deflate (RFC 7692) with .NET's own ClientWebSocket, which speaks it since .NET 6:
/// negotiation, compressed messages both ways, and the accept hook turning it off.
/// </summary>
public class CompressionTests
{
    private static readonly string s_json = string.Concat(Enumerable.Range(0, 60).Select(i => $"{{\"type\":\"state\",\"id\":{i},\"pos\":[1.5,2.5],\"name\":\"player\"}}"));

    [TestCase(false, true, "permessage-deflate; server_no_context_takeover")]
    [TestCase(true, true, "permessage-deflate")]
    [TestCase(false, false, "permessage-deflate; server_no_context_takeover; client_no_context_takeover")]
    [TestCase(true, false, "permessage-deflate; client_no_context_takeover")]
    public async Task Echo_CompressedTextAndBinary_ComeBackUnchanged_AndSmallerOnTheWire(bool serverTakeover, bool clientTakeover, string answer)
    {
        await using var server = await TestServer.StartEchoAsync(o =>
        {
            o.Compression = true;
            o.CompressionServerContextTakeover = serverTakeover;
            o.CompressionClientContextTakeover = clientTakeover;
        });
        using var client = await TestServer.ConnectClientAsync(server.Uri(), o => o.DangerousDeflateOptions = new WebSocketDeflateOptions());
        using var cts = new CancellationTokenSource(TestServer.Timeout);
        await server.WaitConnectedAsync();
        Assert.That(server.Connected.Single().Info.Extensions, Is.EqualTo(answer));

        byte[] binary = Encoding.ASCII.GetBytes(s_json);
        for (int i = 0; i < 3; i++)
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(s_json + "é"), WebSocketMessageType.Text, true, cts.Token);
            var (type, data) = await ClientWebSocketTests.ReceiveAsync(client, cts.Token);
            Assert.That(type, Is.EqualTo(WebSocketMessageType.Text));
            Assert.That(Encoding.UTF8.GetString(data), Is.EqualTo(s_json + "é"));

            await client.SendAsync(binary, WebSocketMessageType.Binary, true, cts.Token);
            (type, data) = await ClientWebSocketTests.ReceiveAsync(client, cts.Token);
            Assert.That(type, Is.EqualTo(WebSocketMessageType.Binary));
            Assert.That(data, Is.EqualTo(binary));
        }

        // Small messages (under the threshold) go plain; RSV1 is per message.
        await client.SendAsync("hi"u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);
        Assert.That(Encoding.UTF8.GetString((await ClientWebSocketTests.ReceiveAsync(client, cts.Token)).Data), Is.EqualTo("hi"));

        var connection = server.Server.GetSnapshot().Connections.Single();
        Assert.That(connection.BytesSent, Is.LessThan(6L * s_json.Length / 3), "the six large messages went compressed");
        Assert.That(connection.BytesReceived, Is.LessThan(6L * s_json.Length / 3), "the client compressed too");
    }

    [Test]
    public async Task AcceptHook_DeclineCompression_ConnectionIsPlain()
    {
        string? seen = null;
        await using var server = await TestServer.StartEchoAsync(o =>
        {
            o.Compression = true;
            o.AcceptHandler = context =>
            {
                seen = context.Extensions;
                context.DeclineCompression();
                return default;
            };
        });
        using var client = await TestServer.ConnectClientAsync(server.Uri(), o => o.DangerousDeflateOptions = new WebSocketDeflateOptions());
        using var cts = new CancellationTokenSource(TestServer.Timeout);
        await server.WaitConnectedAsync();

        Assert.That(seen, Is.EqualTo("permessage-deflate; server_no_context_takeover"));
        Assert.That(server.Connected.Single().Info.Extensions, Is.Null);
        await client.SendAsync(Encoding.UTF8.GetBytes(s_json), WebSocketMessageType.Text, true, cts.Token);
        Assert.That(Encoding.UTF8.GetString((await ClientWebSocketTests.ReceiveAsync(client, cts.Token)).Data), Is.EqualTo(s_json));
        // The count is added once the write has completed, which can be after the client read it.
        await Poll.UntilAsync(() => server.Server.GetSnapshot().Connections.Single().BytesSent > s_json.Length, "sent plain: every byte of the message on the wire");
    }

    [Test]
    public async Task CompressionOff_ByDefault_OfferDeclined()
    {
        await using var server = await TestServer.StartEchoAsync();
        using var client = await TestServer.ConnectClientAsync(server.Uri(), o => o.DangerousDeflateOptions = new WebSocketDeflateOptions());
        using var cts = new CancellationTokenSource(TestServer.Timeout);
        await server.WaitConnectedAsync();

        Assert.That(server.Connected.Single().Info.Extensions, Is.Null);
        await client.SendAsync(Encoding.UTF8.GetBytes(s_json), WebSocketMessageType.Text, true, cts.Token);
        Assert.That(Encoding.UTF8.GetString((await ClientWebSocketTests.ReceiveAsync(client, cts.Token)).Data), Is.EqualTo(s_json));
    }

    [Test]
    public async Task SmallServerWindow_MessagesUpToTheWindowCompressed_LongerOnesPlain()
    {
        await using var server = await TestServer.StartEchoAsync(o =>
        {
            o.Compression = true;
            o.CompressionThreshold = 0;
        });
        using var client = await TestServer.ConnectClientAsync(server.Uri(), o => o.DangerousDeflateOptions = new WebSocketDeflateOptions { ServerMaxWindowBits = 9 });
        using var cts = new CancellationTokenSource(TestServer.Timeout);
        await server.WaitConnectedAsync();
        Assert.That(server.Connected.Single().Info.Extensions, Is.EqualTo("permessage-deflate; server_no_context_takeover; server_max_window_bits=9"));

        foreach (int length in new[] { 100, 512, 513, 5000 })
        {
            string text = (s_json + s_json).Substring(0, length);
            await client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
            Assert.That(Encoding.UTF8.GetString((await ClientWebSocketTests.ReceiveAsync(client, cts.Token)).Data), Is.EqualTo(text));
        }
    }

    [Test]
    public async Task Broadcast_ToPlainTakeoverAndNoTakeoverClients_EachGetsItsMessages()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Compression = true;
            o.CompressionServerContextTakeover = true;
        });
        using var takeover = await TestServer.ConnectClientAsync(server.Uri(), o => o.DangerousDeflateOptions = new WebSocketDeflateOptions());
        using var noTakeover = await TestServer.ConnectClientAsync(server.Uri(), o => o.DangerousDeflateOptions = new WebSocketDeflateOptions { ServerContextTakeover = false });
        using var plain = await TestServer.ConnectClientAsync(server.Uri());
        using var cts = new CancellationTokenSource(TestServer.Timeout);
        for (int i = 0; i < 3; i++)
        {
            await server.WaitConnectedAsync();
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.That(server.Server.Broadcast(s_json + i), Is.EqualTo(3));
            Assert.That(server.Server.Broadcast(Encoding.ASCII.GetBytes(s_json)), Is.EqualTo(3));
            foreach (var client in new[] { takeover, noTakeover, plain })
            {
                Assert.That(Encoding.UTF8.GetString((await ClientWebSocketTests.ReceiveAsync(client, cts.Token)).Data), Is.EqualTo(s_json + i));
                Assert.That((await ClientWebSocketTests.ReceiveAsync(client, cts.Token)).Data, Is.EqualTo(Encoding.ASCII.GetBytes(s_json)));
            }
        }

        var sent = server.Connected.ToDictionary(c => c.Info.Extensions ?? "none", c => server.Server.GetSnapshot().Connections.Single(s => s.Id == c.Id).BytesSent);
        Assert.That(sent.Keys, Is.EquivalentTo(new[] { "permessage-deflate", "permessage-deflate; server_no_context_takeover", "none" }));
        Assert.That(sent["none"], Is.GreaterThan(6L * s_json.Length));
        Assert.That(sent["permessage-deflate"], Is.LessThan(6L * s_json.Length / 3));
        Assert.That(sent["permessage-deflate; server_no_context_takeover"], Is.LessThan(6L * s_json.Length / 3));
    }
}
