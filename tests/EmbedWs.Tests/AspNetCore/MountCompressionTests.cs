using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Threading;
using EmbedWs.Tests.TestSupport;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using static EmbedWs.Tests.AspNetCore.MapEmbedWsTests;

namespace EmbedWs.Tests.AspNetCore;

/// <summary>
/// permessage-deflate (RFC 7692) through <c>MapEmbedWs</c>: the mount negotiates as the listener
/// does, answers in the HTTP server's response, and runs the connection compressed, over HTTP/1.1
/// and HTTP/2 (RFC 8441), with .NET's ClientWebSocket.
/// </summary>
[NonParallelizable]
public class MountCompressionTests
{
    private static readonly string s_json = string.Concat(Enumerable.Range(0, 40).Select(i => $"{{\"type\":\"state\",\"id\":{i},\"pos\":[1.5,2.5]}}"));

    [TestCase(HttpProtocols.Http1)]
    [TestCase(HttpProtocols.Http2)]
    public async Task Map_CompressionOn_NegotiatedAndEchoesCompressed(HttpProtocols protocols)
    {
        var (app, server) = await KestrelApp.StartEchoAsync(o => o.Compression = true, protocols);
        await using var _ = app;
        await using var __ = server;
        using var ws = Client(protocols);
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        using var cts = new CancellationTokenSource(RawClient.Timeout);

        await ws.ConnectAsync(app.Ws("/ws"), invoker, cts.Token);
        var connection = await server.NextConnectionAsync();

        Assert.That(connection.Info.Extensions, Is.EqualTo("permessage-deflate; server_no_context_takeover"));
        Assert.That(ws.HttpResponseHeaders!["Sec-WebSocket-Extensions"].Single(), Is.EqualTo("permessage-deflate; server_no_context_takeover"));
        for (int i = 0; i < 3; i++)
        {
            Assert.That(await EchoAsync(ws, s_json + i, cts.Token), Is.EqualTo(s_json + i));
        }

        Assert.That(await EchoAsync(ws, "short, sent plain", cts.Token), Is.EqualTo("short, sent plain"));
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);
        Assert.That((await server.CloseOfAsync(connection)).Code, Is.EqualTo(1000));
    }

    // Compression off, or on and turned off by the accept hook: the offer is declined.
    [TestCase(false, false)]
    [TestCase(true, true)]
    public async Task Map_CompressionNotAgreed_ConnectsUncompressed(bool compression, bool hookDeclines)
    {
        var (app, server) = await KestrelApp.StartEchoAsync(o =>
        {
            o.Compression = compression;
            if (hookDeclines)
            {
                o.AcceptHandler = ctx =>
                {
                    ctx.DeclineCompression();
                    return default;
                };
            }
        });
        await using var _ = app;
        await using var __ = server;
        using var ws = Client(HttpProtocols.Http1);
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        using var cts = new CancellationTokenSource(RawClient.Timeout);

        await ws.ConnectAsync(app.Ws("/ws"), invoker, cts.Token);

        Assert.That(ws.HttpResponseHeaders!.ContainsKey("Sec-WebSocket-Extensions"), Is.False);
        Assert.That((await server.NextConnectionAsync()).Info.Extensions, Is.Null);
        Assert.That(await EchoAsync(ws, s_json, cts.Token), Is.EqualTo(s_json));
    }

    // A client that offers permessage-deflate (ClientWebSocket's default parameters) and keeps the
    // response's headers.
    private static ClientWebSocket Client(HttpProtocols protocols)
    {
        var ws = new ClientWebSocket();
        ws.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        ws.Options.CollectHttpResponseDetails = true;
        if (protocols == HttpProtocols.Http2)
        {
            ws.Options.HttpVersion = HttpVersion.Version20;
            ws.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        return ws;
    }
}
