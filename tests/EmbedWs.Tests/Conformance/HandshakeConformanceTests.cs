using System.Diagnostics;
using System.Text;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Conformance;

/// <summary>
/// The opening handshake over loopback (RFC 6455 §4.2): every check and its exact HTTP answer.
/// Accept hook, origin list and HTTP fallback are in <see cref="AcceptConformanceTests"/>.
/// </summary>
public class HandshakeConformanceTests
{
    [Test]
    public async Task Handshake_Valid_Gets101WithCorrectAccept()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        var request = new RawRequest(server.Port);

        var (head, client) = await SendRequestAsync(server, request);
        await using var _ = client;

        Assert.That(head.Status, Is.EqualTo(101), head.Raw);
        Assert.That(head.Header("Sec-WebSocket-Accept"), Is.EqualTo(RawRequest.ExpectedAccept(request.Key)));
        Assert.That(head.Header("Upgrade"), Is.EqualTo("websocket").IgnoreCase);
        Assert.That(head.Header("Connection"), Does.Contain("Upgrade").IgnoreCase);
        Assert.That(head.Header("Sec-WebSocket-Protocol"), Is.Null);
        await server.NextConnectionAsync();
    }

    [Test]
    public async Task Handshake_Rfc6455SampleKey_GetsRfcAccept()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        var request = new RawRequest(server.Port).Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");

        var (head, client) = await SendRequestAsync(server, request);
        await using var _ = client;

        Assert.That(head.Status, Is.EqualTo(101), head.Raw);
        Assert.That(head.Header("Sec-WebSocket-Accept"), Is.EqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    }

    [Test]
    public async Task Handshake_PostMethod_Gets405()
    {
        var head = await RefusedAsync(r => r.Method = "POST", 405);
        Assert.That(head.Header("Allow"), Is.EqualTo("GET"));
    }

    [Test]
    public Task Handshake_MissingHost_Gets400() => RefusedAsync(r => r.Remove("Host"), 400);

    [Test]
    public Task Handshake_UpgradeH2c_Gets400() => RefusedAsync(r => r.Set("Upgrade", "h2c"), 400);

    [Test]
    public Task Handshake_ConnectionKeepAliveWithoutUpgrade_Gets400() => RefusedAsync(r => r.Set("Connection", "keep-alive"), 400);

    [Test]
    public Task Handshake_MissingKey_Gets400() => RefusedAsync(r => r.Remove("Sec-WebSocket-Key"), 400);

    [TestCase("AAECAwQFBgcICQoLDA0O", TestName = "Handshake_KeyOf15Bytes_Gets400")]
    [TestCase("AAECAwQFBgcICQoLDA0ODxA=", TestName = "Handshake_KeyOf17Bytes_Gets400")]
    [TestCase("not base64 at all!!!!!==", TestName = "Handshake_KeyNotBase64_Gets400")]
    public Task Handshake_BadKey_Gets400(string key) => RefusedAsync(r => r.Set("Sec-WebSocket-Key", key), 400);

    [Test]
    public async Task Handshake_Version8_Gets426WithVersion13Header()
    {
        var head = await RefusedAsync(r => r.Set("Sec-WebSocket-Version", "8"), 426);
        Assert.That(head.Header("Sec-WebSocket-Version"), Is.EqualTo("13"));
    }

    [Test]
    public async Task Handshake_Http10_Gets400()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendAsync(new RawRequest(server.Port).ToString().Replace("HTTP/1.1", "HTTP/1.0"));

        var head = await client.ReadHeadAsync();
        Assert.That(head.Status, Is.EqualTo(400), head.Raw);
        await client.AssertServerClosedAsync(RawClient.Timeout);
    }

    [Test]
    public Task Handshake_MissingVersion_Gets400() => RefusedAsync(r => r.Remove("Sec-WebSocket-Version"), 400);

    [Test]
    public Task Handshake_HeadOver8KiB_Gets431() => RefusedAsync(r => r.Set("X-Filler", new string('a', 9000)), 431);

    [Test]
    public async Task Handshake_PlainGetWithoutUpgradeAndNoHttpHandler_Gets426WithUpgradeHeader()
    {
        var head = await RefusedAsync(r => r.Remove("Upgrade").Remove("Connection").Remove("Sec-WebSocket-Key").Remove("Sec-WebSocket-Version"), 426);
        Assert.That(head.Header("Upgrade"), Is.EqualTo("websocket").IgnoreCase);
    }

    [Test]
    public async Task Handshake_ConnectionKeepAliveCommaUpgrade_Gets101()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        var (head, client) = await SendRequestAsync(server, new RawRequest(server.Port).Set("Connection", "keep-alive, Upgrade"));
        await using var _ = client;
        Assert.That(head.Status, Is.EqualTo(101), head.Raw);
    }

    [Test]
    public async Task Handshake_HeaderNamesAndValuesInOtherCase_Gets101()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        var request = new RawRequest(server.Port).Remove("Host").Remove("Upgrade").Remove("Connection").Remove("Sec-WebSocket-Version");
        string key = request.Key;
        request.Remove("Sec-WebSocket-Key")
            .Set("HOST", $"127.0.0.1:{server.Port}")
            .Set("upgrade", "WebSocket")
            .Set("CONNECTION", "UPGRADE")
            .Set("sec-websocket-key", key)
            .Set("SEC-WEBSOCKET-VERSION", "13");

        var (head, client) = await SendRequestAsync(server, request);
        await using var _ = client;

        Assert.That(head.Status, Is.EqualTo(101), head.Raw);
        Assert.That(head.Header("Sec-WebSocket-Accept"), Is.EqualTo(RawRequest.ExpectedAccept(key)));
    }

    [Test]
    public async Task Handshake_FrameInSameWriteAsHead_IsDeliveredAsFirstMessage()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.ConnectAsync(server.Port);
        var request = new RawRequest(server.Port);

        await client.SendAsync(ClientFrame.Concat(request.ToBytes(), ClientFrame.Text("first"), ClientFrame.Text("second")));

        Assert.That((await client.ReadHeadAsync()).Status, Is.EqualTo(101));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("first"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("second"));
    }

    [Test]
    public async Task Handshake_HeadWrittenOneByteAtATime_Gets101()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.ConnectAsync(server.Port);
        var request = new RawRequest(server.Port);

        await client.SendByteByByteAsync(request.ToBytes());

        var head = await client.ReadHeadAsync();
        Assert.That(head.Status, Is.EqualTo(101), head.Raw);
        Assert.That(head.Header("Sec-WebSocket-Accept"), Is.EqualTo(RawRequest.ExpectedAccept(request.Key)));
    }

    [Test]
    public async Task Handshake_LargeFrameInSameWriteAsHead_IsDeliveredWhole()
    {
        // More bytes follow the head than the handshake buffer holds: the rest must be read on.
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.ConnectAsync(server.Port);
        var payload = new byte[100_000];
        new Random(7).NextBytes(payload);

        await client.SendAsync(ClientFrame.Concat(new RawRequest(server.Port).ToBytes(), ClientFrame.Binary(payload)));

        Assert.That((await client.ReadHeadAsync()).Status, Is.EqualTo(101));
        var (opcode, echoed) = await client.ReadMessageAsync();
        Assert.That(opcode, Is.EqualTo(ClientFrame.OpBinary));
        Assert.That(echoed, Is.EqualTo(payload));
    }

    [Test]
    public async Task Handshake_HalfHeadThenSilence_DisconnectedAfterHandshakeTimeout()
    {
        await using var server = await RecordingServer.StartEchoAsync(o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(500));
        await using var client = await RawClient.ConnectAsync(server.Port);
        var clock = Stopwatch.StartNew();

        await client.SendAsync($"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nUpgrade: websocket\r\n");

        await client.AssertServerClosedAsync(TimeSpan.FromSeconds(5), "a silent client must be dropped after HandshakeTimeout");
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromMilliseconds(400)), "dropped before HandshakeTimeout");
        Assert.That(server.ConnectCount, Is.Zero);
        await server.AssertStillServesAsync();
    }

    [Test]
    public async Task Handshake_WhileStopping_NewConnectionsAreRefused()
    {
        // The listener closes before clients are told to close, so once a client holds the
        // server's 1001 close frame, a new connection must be refused (RST) rather than served.
        await using var server = await RecordingServer.StartEchoAsync(o => o.StopTimeout = TimeSpan.FromSeconds(5));
        int port = server.Port;
        await using var held = await RawClient.OpenAsync(port);
        await server.NextConnectionAsync();

        var stop = server.Server.StopAsync();
        Assert.That((await held.ReadCloseAsync()).Code, Is.EqualTo(1001));

        var refused = await Assert.CatchAsync<System.Net.Sockets.SocketException>(async () =>
        {
            await using var late = await RawClient.ConnectAsync(port);
            await late.SendAsync(new RawRequest(port).ToBytes());
            await late.ReadHeadAsync();
        });
        Assert.That(refused!.SocketErrorCode, Is.EqualTo(System.Net.Sockets.SocketError.ConnectionRefused));

        await held.SendAsync(ClientFrame.Close(1001));
        await held.AssertServerClosedAsync(RawClient.Timeout);
        await RecordingServer.Bounded(stop, "StopAsync");
    }

    // Sends the request on a new connection and reads the response head.
    internal static async Task<(HttpHead Head, RawClient Client)> SendRequestAsync(RecordingServer server, RawRequest request)
    {
        var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync(request.ToBytes());
        return (await client.ReadHeadAsync(), client);
    }

    // A valid request changed by alter must get status, a body, Connection: close and the end
    // of TCP; OnConnect is never raised; the server goes on serving.
    private static async Task<HttpHead> RefusedAsync(Action<RawRequest> alter, int status)
    {
        await using var server = await RecordingServer.StartEchoAsync();
        var request = new RawRequest(server.Port);
        alter(request);

        var (head, client) = await SendRequestAsync(server, request);
        await using var _ = client;

        Assert.That(head.Status, Is.EqualTo(status), head.Raw);
        Assert.That(head.Header("Sec-WebSocket-Accept"), Is.Null);
        Assert.That(await client.ReadBodyAsync(head), Is.Not.Empty, "a refusal says why in its body");
        await client.AssertServerClosedAsync(RawClient.Timeout);
        Assert.That(server.ConnectCount, Is.Zero, "OnConnect for a refused handshake");
        await server.AssertStillServesAsync();
        return head;
    }
}
