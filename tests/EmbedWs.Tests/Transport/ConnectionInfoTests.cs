using System.Collections.Generic;
using System.Linq;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Transport;

/// <summary>
/// WsConnectionInfo over a real handshake: what the accept hook sees and what the open
/// connection keeps (its headers are parsed again from the raw head after the handshake).
/// </summary>
public class ConnectionInfoTests
{
    private const string Head =
        "GET /chat?room=a%20b&x=1 HTTP/1.1\r\n" +
        "Host: example.com\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Sec-WebSocket-Version: 13\r\n" +
        "Origin: http://example.com\r\n" +
        "Cookie: a=1; b=\"two\"\r\n" +
        "X-Tag: one\r\n" +
        "X-Tag:  two \r\n" +
        "Sec-WebSocket-Protocol: p1, p2\r\n" +
        "\r\n";

    [Test]
    public async Task Info_OfAnOpenConnection_HasTheRequestAsTheAcceptHookSawIt()
    {
        WsConnectionInfo? seen = null;
        Dictionary<string, string>? headersInHook = null;
        await using var server = await TestServer.StartAsync(o =>
        {
            o.AllowedOrigins = new List<string> { "http://example.com" };
            o.SupportedSubProtocols.Add("p2");
            o.AcceptHandler = ctx =>
            {
                seen = ctx.Info;
                headersInHook = ctx.Info.Headers.ToDictionary(p => p.Key, p => p.Value);
                return default;
            };
        });

        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync(Head);
        var answer = await client.ReadHeadAsync();
        Assert.That(answer.Status, Is.EqualTo(101), answer.Raw);
        Assert.That(answer.Header("Sec-WebSocket-Protocol"), Is.EqualTo("p2"));
        await server.WaitConnectedAsync();

        var info = server.Connected.Single().Info;
        Assert.That(info, Is.SameAs(seen));
        Assert.That(info.Headers, Is.EquivalentTo(headersInHook!));
        Assert.That(info.Headers, Has.Count.EqualTo(9));
        Assert.That(info.Header("x-tag"), Is.EqualTo("one, two"));
        Assert.That(info.Headers["SEC-WEBSOCKET-VERSION"], Is.EqualTo("13"));
        Assert.That(info.Header("X-Missing"), Is.Null);
        Assert.That(info.Origin, Is.EqualTo("http://example.com"));
        Assert.That(info.Host, Is.EqualTo("example.com"));
        Assert.That(info.Cookies, Is.EquivalentTo(new Dictionary<string, string> { ["a"] = "1", ["b"] = "two" }));
        Assert.That(info.Method, Is.EqualTo("GET"));
        Assert.That(info.Path, Is.EqualTo("/chat"));
        Assert.That(info.QueryString, Is.EqualTo("room=a%20b&x=1"));
        Assert.That(info.Query["room"], Is.EqualTo("a b"));
        Assert.That(info.RequestedSubProtocols, Is.EqualTo(new[] { "p1", "p2" }));
        Assert.That(info.SubProtocol, Is.EqualTo("p2"));
        Assert.That(info.Headers, Is.SameAs(info.Headers), "parsed once, then kept");
    }

    [Test]
    public async Task Info_OriginNotAllowed_IsRefusedWith403()
    {
        await using var server = await TestServer.StartAsync(o => o.AllowedOrigins = new List<string> { "http://other.example" });

        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync(Head);
        var answer = await client.ReadHeadAsync();
        Assert.That(answer.Status, Is.EqualTo(403), answer.Raw);
    }
}
