using System.Linq;
using System.Text.Json;
using EmbedWs.Samples.ConsoleHost;
using EmbedWs.Tests.TestSupport;
using Microsoft.Playwright;

namespace EmbedWs.Tests.Clients;

/// <summary>
/// Headless Chromium and the console host with compression on: the browser offers
/// permessage-deflate by itself, the page reads what was agreed (<c>WebSocket.extensions</c>) and
/// exchanges text and binary both ways.
/// </summary>
public class BrowserCompressionTests : ChromiumTest
{
    // Runs in the page: opens a socket, sends a 4 KiB-ish JSON text and 5,000 bytes of binary,
    // checks each echo, and returns what it saw as JSON. The socket stays open for the test.
    private const string ExchangeScript = """
        async (url) => {
          const ws = new WebSocket(url);
          ws.binaryType = 'arraybuffer';
          window.compressedSocket = ws;
          await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('socket error')); });
          const next = () => new Promise(resolve => { ws.onmessage = e => resolve(e.data); });
          const text = JSON.stringify(Array.from({ length: 60 }, (_, i) => ({ type: 'state', id: i, pos: [1.5, 2.5], name: 'pläyer' })));
          ws.send(text);
          const textBack = await next();
          const binary = new Uint8Array(5000).map((_, i) => i % 13);
          ws.send(binary);
          const binaryBack = new Uint8Array(await next());
          return JSON.stringify({
            extensions: ws.extensions,
            textSent: text.length,
            textOk: textBack === text,
            binaryOk: binaryBack.length === binary.length && binaryBack.every((v, i) => v === binary[i]),
          });
        }
        """;

    [Test]
    public async Task EchoMode_CompressionOn_PageNegotiatesDeflateAndExchangesTextAndBinary()
    {
        await using var server = await StartHostAsync(HostMode.Echo, configure: o => o.Compression = true);
        var page = await OpenPageAsync(server);

        string json = await page.EvaluateAsync<string>(ExchangeScript, $"ws://127.0.0.1:{server.Port}/compressed");
        using var result = JsonDocument.Parse(json);

        var root = result.RootElement;
        Assert.That(root.GetProperty("extensions").GetString(), Is.EqualTo("permessage-deflate; server_no_context_takeover"), json);
        Assert.That(root.GetProperty("textOk").GetBoolean(), Is.True, json);
        Assert.That(root.GetProperty("binaryOk").GetBoolean(), Is.True, json);
        var compressed = server.GetSnapshot().Connections.Single(c => c.Path == "/compressed");
        Assert.That(compressed.BytesSent, Is.LessThan(root.GetProperty("textSent").GetInt32() / 2), "the echoes went compressed");
        Assert.That(compressed.BytesReceived, Is.LessThan(root.GetProperty("textSent").GetInt32() / 2), "Chromium compressed too");
        await page.CloseAsync();
    }
}
