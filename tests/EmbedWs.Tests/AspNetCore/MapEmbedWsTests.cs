using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using EmbedWs.AspNetCore;
using EmbedWs.Hosting;
using EmbedWs.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace EmbedWs.Tests.AspNetCore;

/// <summary>
/// <c>MapEmbedWs</c> on real Kestrel: the handshake answers of the server's own listener through
/// ASP.NET Core (426, 405, 403, the accept hook's status), .NET's ClientWebSocket over HTTP/1.1
/// and over HTTP/2 (RFC 8441, h2c), authorization by ASP.NET Core, the container's server with
/// no port of its own, and 1001 for every client when the app stops.
/// </summary>
[NonParallelizable]
public class MapEmbedWsTests
{
    [Test]
    public async Task Map_PlainGet_Gets426WithUpgradeWebSocket()
    {
        var (app, server) = await KestrelApp.StartEchoAsync();
        await using var _ = app;
        await using var __ = server;
        using var http = new HttpClient { Timeout = RawClient.Timeout };

        using var response = await http.GetAsync($"http://127.0.0.1:{app.Port}/ws");

        Assert.That((int)response.StatusCode, Is.EqualTo(426));
        Assert.That(response.Headers.Upgrade.ToString(), Is.EqualTo("websocket"));
    }

    [TestCase("version", 426)]
    [TestCase("method", 405)]
    [TestCase("origin", 403)]
    [TestCase("hook", 401)]
    public async Task Map_RefusedHandshake_AnsweredWithTheListenersStatus(string what, int status)
    {
        var (app, server) = await KestrelApp.StartEchoAsync(o =>
        {
            o.AllowedOrigins = new[] { "http://good.test" };
            o.AcceptHandler = ctx =>
            {
                if (ctx.Info.Query.ContainsKey("deny"))
                {
                    ctx.Reject(401, "no token");
                }

                return default;
            };
        });
        await using var _ = app;
        await using var __ = server;
        await using var client = await RawClient.ConnectAsync(app.Port);
        var request = new RawRequest(app.Port, what == "hook" ? "/ws?deny=1" : "/ws").Set("Origin", what == "origin" ? "http://evil.test" : "http://good.test");
        if (what == "version")
        {
            request.Set("Sec-WebSocket-Version", "12");
        }
        else if (what == "method")
        {
            request.Method = "POST";
            request.Set("Content-Length", "0");
        }

        await client.SendAsync(request.ToBytes());
        var head = await client.ReadHeadAsync();

        Assert.That(head.Status, Is.EqualTo(status), head.Raw);
        if (what == "version")
        {
            Assert.That(head.Header("Sec-WebSocket-Version"), Is.EqualTo("13"));
        }
    }

    [Test]
    public async Task Map_ClientWebSocketHttp11_EchoesAndGetsTheSubprotocol()
    {
        var (app, server) = await KestrelApp.StartEchoAsync(o => o.SupportedSubProtocols.Add("chat.v1"));
        await using var _ = app;
        await using var __ = server;
        using var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("chat.v1");
        using var cts = new CancellationTokenSource(RawClient.Timeout);

        await ws.ConnectAsync(app.Ws("/ws"), cts.Token);
        var reply = await EchoAsync(ws, "over HTTP/1.1", cts.Token);

        Assert.That(reply, Is.EqualTo("over HTTP/1.1"));
        Assert.That(ws.SubProtocol, Is.EqualTo("chat.v1"));
        Assert.That((await server.NextConnectionAsync()).Info.SubProtocol, Is.EqualTo("chat.v1"));
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);
        Assert.That(ws.CloseStatus, Is.EqualTo(WebSocketCloseStatus.NormalClosure));
    }

    [Test]
    public async Task Map_ClientWebSocketHttp2_ExtendedConnectOverH2c_Echoes()
    {
        var (app, server) = await KestrelApp.StartEchoAsync(protocols: HttpProtocols.Http2);
        await using var _ = app;
        await using var __ = server;
        using var ws = new ClientWebSocket();
        ws.Options.HttpVersion = HttpVersion.Version20;
        ws.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        ws.Options.CollectHttpResponseDetails = true;
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        using var cts = new CancellationTokenSource(RawClient.Timeout);

        await ws.ConnectAsync(app.Ws("/ws"), invoker, cts.Token);
        var reply = await EchoAsync(ws, "over HTTP/2", cts.Token);
        var connection = await server.NextConnectionAsync();
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);

        Assert.That(reply, Is.EqualTo("over HTTP/2"));
        Assert.That(ws.HttpStatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(connection.Info.Method, Is.EqualTo("CONNECT"));
        var close = await server.CloseOfAsync(connection);
        Assert.That(close.Code, Is.EqualTo(1000));
        Assert.That(close.Cause, Is.EqualTo(WsCloseCause.ClientClosed));
    }

    [Test]
    public async Task Map_ClientWebSocketHttp2_ExtendedConnectOverTls_Echoes()
    {
        using var certificate = Transport.ListenerTests.CreateCertificate();
        var (app, server) = await KestrelApp.StartEchoAsync(protocols: HttpProtocols.Http1AndHttp2, certificate: certificate);
        await using var _ = app;
        await using var __ = server;
        using var ws = new ClientWebSocket();
        ws.Options.HttpVersion = HttpVersion.Version20;
        ws.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        ws.Options.CollectHttpResponseDetails = true;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;   // the test's own self-signed certificate
        using var invoker = new HttpMessageInvoker(handler);
        using var cts = new CancellationTokenSource(RawClient.Timeout);

        await ws.ConnectAsync(app.Wss("/ws"), invoker, cts.Token);
        var reply = await EchoAsync(ws, "over HTTP/2 and TLS", cts.Token);
        var connection = await server.NextConnectionAsync();
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);

        Assert.That(reply, Is.EqualTo("over HTTP/2 and TLS"));
        Assert.That(connection.Info.Method, Is.EqualTo("CONNECT"), "HTTP/2 extended CONNECT (RFC 8441), agreed by ALPN");
        Assert.That(connection.Info.IsSecure, Is.True);
        Assert.That((await server.CloseOfAsync(connection)).Code, Is.EqualTo(1000));
    }

    [Test]
    public async Task Map_AppStops_ClientsGet1001()
    {
        var (app, server) = await KestrelApp.StartEchoAsync();
        await using var __ = server;
        using var ws = new ClientWebSocket();
        using var cts = new CancellationTokenSource(RawClient.Timeout);
        await ws.ConnectAsync(app.Ws("/ws"), cts.Token);
        var connection = await server.NextConnectionAsync();

        var stopping = app.DisposeAsync().AsTask();
        var buffer = new byte[64];
        var received = await ws.ReceiveAsync(buffer, cts.Token);
        await stopping.WaitAsync(RawClient.Timeout);

        Assert.That(received.MessageType, Is.EqualTo(WebSocketMessageType.Close));
        Assert.That(ws.CloseStatus, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.ServerStopping));
    }

    [Test]
    public async Task Map_ContainerServer_OpensNoPortOfItsOwnAndServesThroughKestrel()
    {
        var connects = Channel.CreateUnbounded<IWsConnection>();
        await using var app = await KestrelApp.StartAsync(
            a => a.MapEmbedWs("/ws"),
            b => b.Services.AddEmbedWs().Configure((_, s) =>
            {
                s.OnConnect += c => connects.Writer.TryWrite(c);
                s.OnMessage += RecordingServer.Echo;
            }));
        var server = app.App.Services.GetRequiredService<WsServer>();
        using var ws = new ClientWebSocket();
        using var cts = new CancellationTokenSource(RawClient.Timeout);

        await ws.ConnectAsync(app.Ws("/ws?room=1"), cts.Token);
        var reply = await EchoAsync(ws, "hello", cts.Token);

        Assert.That(reply, Is.EqualTo("hello"));
        Assert.That(server.Options.Listen, Is.False);
        Assert.That(server.Port, Is.EqualTo(0));
        var connection = await connects.Reader.ReadAsync(cts.Token);
        Assert.That(connection.Info.Query["room"], Is.EqualTo("1"));
        Assert.That(connection.Info.RemoteEndPoint!.Address, Is.EqualTo(IPAddress.Loopback));
    }

    [Test]
    public async Task Map_RequireRateLimiting_SecondHandshakeGets429FromAspNetCore()
    {
        await using var server = await RecordingServer.StartEchoAsync(o => o.Listen = false);
        await using var app = await KestrelApp.StartAsync(
            a =>
            {
                a.UseRateLimiter();
                a.MapEmbedWs("/ws", server.Server).RequireRateLimiting("one");
            },
            b => b.Services.AddRateLimiter(o =>
            {
                o.RejectionStatusCode = 429;
                o.AddFixedWindowLimiter("one", l =>
                {
                    l.PermitLimit = 1;
                    l.Window = TimeSpan.FromMinutes(5);
                    l.QueueLimit = 0;
                });
            }));
        await using var first = await RawClient.OpenAsync(app.Port, path: "/ws");
        await server.NextConnectionAsync();   // its OnConnect ran (the 101 can come before it)
        await using var second = await RawClient.ConnectAsync(app.Port);

        await second.SendAsync(new RawRequest(app.Port, "/ws").ToBytes());

        Assert.That((await second.ReadHeadAsync()).Status, Is.EqualTo(429));
        Assert.That(server.ConnectCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Map_ContainerServer_AppStops_ClientsGet1001BeforeKestrelGoes()
    {
        var sample = await SampleApps.StartAsync("--no-auth");
        using var ws = new ClientWebSocket();
        using var cts = new CancellationTokenSource(RawClient.Timeout);
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{sample.Port}/echo"), cts.Token);
        Assert.That(await EchoAsync(ws, "before", cts.Token), Is.EqualTo("before"));

        var stopping = sample.DisposeAsync().AsTask();
        var received = await ws.ReceiveAsync(new byte[64], cts.Token);
        await stopping.WaitAsync(RawClient.Timeout);

        Assert.That(received.MessageType, Is.EqualTo(WebSocketMessageType.Close));
        Assert.That(ws.CloseStatus, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        Assert.That(ws.CloseStatusDescription, Is.EqualTo("server stopping"));
    }

    [Test]
    public async Task Map_ServerNotStarted_StartsWithTheAppOnKestrelsPortOnly()
    {
        // Default options: Listen is true and no Url is set, as a user's `new WsServer()` has.
        await using var server = new WsServer(new WsServerOptions());
        server.OnMessage += (conn, msg) => conn.Send(msg.Text);
        await using var app = await KestrelApp.StartAsync(a => a.MapEmbedWs("/ws", server));
        using var ws = new ClientWebSocket();
        using var cts = new CancellationTokenSource(RawClient.Timeout);

        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{app.Port}/ws"), cts.Token);
        await ws.SendAsync("started"u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[64];
        var received = await ws.ReceiveAsync(buffer, cts.Token);

        Assert.That(server.IsRunning, Is.True);
        Assert.That(server.LocalEndPoints, Is.Empty, "no port of its own: Kestrel's is the one");
        Assert.That(System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count), Is.EqualTo("started"));
    }

    [Test]
    public async Task Map_ServerStopped_Gets503()
    {
        var server = new WsServer(new WsServerOptions { Listen = false });
        await server.StartAsync();
        await server.StopAsync();
        await using var app = await KestrelApp.StartAsync(a => a.MapEmbedWs("/ws", server));
        await using var client = await RawClient.ConnectAsync(app.Port);

        await client.SendAsync(new RawRequest(app.Port, "/ws").ToBytes());

        Assert.That((await client.ReadHeadAsync()).Status, Is.EqualTo(503));
    }

    [Test]
    public async Task Authorization_Unauthenticated_Gets401FromAspNetCore()
    {
        await using var sample = await SampleApps.StartAsync();
        using var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        using var cts = new CancellationTokenSource(RawClient.Timeout);

        Assert.That(async () => await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{sample.Port}/chat"), cts.Token), Throws.InstanceOf<WebSocketException>());

        Assert.That(ws.HttpStatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(sample.Server.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task Authorization_SignedIn_ConnectsAndOnConnectSeesTheUser()
    {
        await using var sample = await SampleApps.StartAsync();
        var users = Channel.CreateUnbounded<string?>();
        sample.Server.OnConnect += c => users.Writer.TryWrite(c.Info.User?.Identity?.Name);
        using var ws = new ClientWebSocket();
        ws.Options.Cookies = await sample.SignInAsync("alice");
        using var cts = new CancellationTokenSource(RawClient.Timeout);

        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{sample.Port}/chat"), cts.Token);
        var joined = await ReceiveTextAsync(ws, cts.Token);

        Assert.That(await users.Reader.ReadAsync(cts.Token), Is.EqualTo("alice"));
        Assert.That(joined, Is.EqualTo("* alice joined"));
        Assert.That(await EchoAsync(ws, "hi", cts.Token), Is.EqualTo("alice: hi"));
    }

    [Test]
    public async Task Authorization_NoAuthFlag_ChatOpenToGuests()
    {
        await using var sample = await SampleApps.StartAsync("--no-auth");
        using var ws = new ClientWebSocket();
        using var cts = new CancellationTokenSource(RawClient.Timeout);

        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{sample.Port}/chat"), cts.Token);

        Assert.That(await ReceiveTextAsync(ws, cts.Token), Does.StartWith("* guest"));
    }

    internal static async Task<string> EchoAsync(ClientWebSocket ws, string text, CancellationToken ct)
    {
        await ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);
        return await ReceiveTextAsync(ws, ct);
    }

    internal static async Task<string> ReceiveTextAsync(ClientWebSocket ws, CancellationToken ct)
    {
        var buffer = new byte[4096];
        var all = new List<byte>();
        WebSocketReceiveResult result;
        do
        {
            result = await ws.ReceiveAsync(buffer, ct);
            all.AddRange(buffer.AsSpan(0, result.Count).ToArray());
        }
        while (!result.EndOfMessage);

        Assert.That(result.MessageType, Is.EqualTo(WebSocketMessageType.Text));
        return Encoding.UTF8.GetString(all.ToArray());
    }
}
