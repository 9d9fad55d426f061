using System.Collections.Generic;
using System.Threading;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Conformance;

/// <summary>
/// What the application decides at the handshake over loopback: subprotocol choice, origin
/// allow-list, the accept hook, and the plain-HTTP fallback.
/// </summary>
public class AcceptConformanceTests
{
    [Test]
    public async Task Subprotocol_ClientOffersAThenB_ServerAnswersFirstInClientOrder()
    {
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.SupportedSubProtocols.Add("b");
            o.SupportedSubProtocols.Add("a");
        });

        var (head, client) = await HandshakeConformanceTests.SendRequestAsync(server,
            new RawRequest(server.Port).Set("Sec-WebSocket-Protocol", "a, b"));
        await using var _ = client;

        Assert.That(head.Status, Is.EqualTo(101), head.Raw);
        Assert.That(head.Header("Sec-WebSocket-Protocol"), Is.EqualTo("a"));
        Assert.That((await server.NextConnectionAsync()).Info.SubProtocol, Is.EqualTo("a"));
    }

    [Test]
    public async Task Subprotocol_NoMatch_NoProtocolHeader()
    {
        await using var server = await RecordingServer.StartEchoAsync(o => o.SupportedSubProtocols.Add("chat"));

        var (head, client) = await HandshakeConformanceTests.SendRequestAsync(server,
            new RawRequest(server.Port).Set("Sec-WebSocket-Protocol", "x, y"));
        await using var _ = client;

        Assert.That(head.Status, Is.EqualTo(101), head.Raw);
        Assert.That(head.Header("Sec-WebSocket-Protocol"), Is.Null);
        Assert.That((await server.NextConnectionAsync()).Info.SubProtocol, Is.Null);
    }

    [TestCase("http://evil", 403, TestName = "Origin_NotAllowed_Gets403")]
    [TestCase("http://good", 101, TestName = "Origin_Allowed_Gets101")]
    [TestCase(null, 403, TestName = "Origin_MissingWithAllowList_Gets403")]
    public async Task Origin_AllowList(string? origin, int status)
    {
        await using var server = await RecordingServer.StartEchoAsync(o => o.AllowedOrigins = new List<string> { "http://good" });
        var request = new RawRequest(server.Port);
        if (origin is not null)
        {
            request.Set("Origin", origin);
        }

        var (head, client) = await HandshakeConformanceTests.SendRequestAsync(server, request);
        await using var _ = client;

        Assert.That(head.Status, Is.EqualTo(status), head.Raw);
        if (status != 101)
        {
            await client.AssertServerClosedAsync(RawClient.Timeout);
            Assert.That(server.ConnectCount, Is.Zero);
        }
    }

    [Test]
    public async Task AcceptHandler_Rejects401_ClientGets401WithBody_AndNoOnConnect()
    {
        await using var server = await RecordingServer.StartEchoAsync(o => o.AcceptHandler = ctx =>
        {
            ctx.Reject(401, "no token");
            return default;
        });

        var (head, client) = await HandshakeConformanceTests.SendRequestAsync(server, new RawRequest(server.Port));
        await using var _ = client;

        Assert.That(head.Status, Is.EqualTo(401), head.Raw);
        Assert.That(await client.ReadBodyAsync(head), Is.EqualTo("no token"));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        await server.StopAsync();
        Assert.That(server.ConnectCount, Is.Zero, "OnConnect raised for a rejected client");
        Assert.That(server.AllCloses, Is.Empty, "OnClose raised for a rejected client");
    }

    [Test]
    public async Task AcceptHandler_SetsItem_ConnectionItemsHoldItInOnConnect()
    {
        var seen = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RecordingServer.StartEchoAsync(
            o => o.AcceptHandler = ctx =>
            {
                ctx.Items["user"] = "bob";
                return default;
            },
            s => s.OnConnect += c => seen.TrySetResult(c.Items.TryGetValue("user", out var u) ? u : "(missing)"));

        await using var client = await RawClient.OpenAsync(server.Port);

        Assert.That(await seen.Task.WaitAsync(RecordingServer.Timeout), Is.EqualTo("bob"));
    }

    [Test]
    public async Task AcceptHandler_SlowerThanHandshakeTimeout_StillAccepts()
    {
        await using var server = await RecordingServer.StartAsync(o =>
        {
            o.HandshakeTimeout = TimeSpan.FromMilliseconds(200);
            o.AcceptHandler = async ctx => await Task.Delay(600);
        });

        using var client = await JsonClient.ConnectAsync(server.Port);

        Assert.That(client.Socket.State, Is.EqualTo(System.Net.WebSockets.WebSocketState.Open));
        await server.NextConnectionAsync();
    }

    [Test]
    public async Task AcceptHandler_Throws_ClientGets500_AndOnErrorRaised()
    {
        var boom = new InvalidOperationException("accept hook failed");
        int calls = 0;
        await using var server = await RecordingServer.StartEchoAsync(o => o.AcceptHandler = _ =>
            Interlocked.Increment(ref calls) == 1 ? throw boom : default(ValueTask));

        var (head, client) = await HandshakeConformanceTests.SendRequestAsync(server, new RawRequest(server.Port));
        await using var _ = client;

        Assert.That(head.Status, Is.EqualTo(500), head.Raw);
        Assert.That(await client.ReadBodyAsync(head), Does.Not.Contain("accept hook failed"), "exception text leaked to the client");
        var (connection, error) = await server.NextErrorAsync();
        Assert.That(error, Is.SameAs(boom));
        Assert.That(connection, Is.Null);
        await client.AssertServerClosedAsync(RawClient.Timeout);
        Assert.That(server.ConnectCount, Is.Zero);
        await server.AssertStillServesAsync();
    }

    [Test]
    public async Task HttpHandler_PlainGet_Gets200WithThePage()
    {
        await using var server = await RecordingServer.StartEchoAsync(o =>
            o.HttpHandler = _ => new ValueTask<WsHttpResponse?>(WsHttpResponse.Html("<p>hi</p>")));
        await using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendAsync($"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\n\r\n");
        var head = await client.ReadHeadAsync();

        Assert.That(head.Status, Is.EqualTo(200), head.Raw);
        Assert.That(head.Header("Content-Type"), Does.StartWith("text/html"));
        Assert.That(await client.ReadBodyAsync(head), Is.EqualTo("<p>hi</p>"));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        Assert.That(server.ConnectCount, Is.Zero);
    }

    [Test]
    public async Task HttpHandler_WebSocketRequest_StillUpgrades()
    {
        await using var server = await RecordingServer.StartEchoAsync(o =>
            o.HttpHandler = _ => new ValueTask<WsHttpResponse?>(WsHttpResponse.Html("<p>hi</p>")));

        await using var client = await RawClient.OpenAsync(server.Port);
        await client.SendAsync(ClientFrame.Text("ws"));

        Assert.That(await client.ReadTextAsync(), Is.EqualTo("ws"));
    }
}
