using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using EmbedWs.Dispatch;
using EmbedWs.Routing;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Conformance;

/// <summary>StopAsync over loopback: every client gets 1001, OnClose says ServerStopping, the port is freed.</summary>
public partial class ShutdownTests
{
    [Test]
    public async Task Stop_TwoClients_EachReceives1001_AndOnCloseIsServerStopping()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var a = await RawClient.OpenAsync(server.Port);
        await using var b = await RawClient.OpenAsync(server.Port);
        var connections = new[] { await server.NextConnectionAsync(), await server.NextConnectionAsync() };

        var stop = server.Server.StopAsync();
        foreach (var client in new[] { a, b })
        {
            Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1001));
            await client.SendAsync(ClientFrame.Close(1001));
            await client.AssertServerClosedAsync(RawClient.Timeout);
        }

        await RecordingServer.Bounded(stop, "StopAsync");
        foreach (var c in connections)
        {
            var info = await server.CloseOfAsync(c);
            Assert.That(info.Cause, Is.EqualTo(WsCloseCause.ServerStopping));
            Assert.That(info.Code, Is.EqualTo(1001));
        }

        Assert.That(server.AllCloses.Count, Is.EqualTo(2), "exactly one OnClose per connection");
        Assert.That(server.Server.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task Stop_ClientThatNeverAnswers_IsDroppedAfterStopTimeout_AndStopCompletes()
    {
        await using var server = await RecordingServer.StartEchoAsync(o => o.StopTimeout = TimeSpan.FromMilliseconds(500));
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        var clock = Stopwatch.StartNew();

        var stop = server.Server.StopAsync();

        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1001));
        await client.AssertServerClosedAsync(TimeSpan.FromSeconds(5));
        await RecordingServer.Bounded(stop, "StopAsync");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.ServerStopping));
    }

    [Test]
    public async Task Stop_WithClientWebSocketsConnected_EachSeesNormalClose1001()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        var uri = new Uri($"ws://127.0.0.1:{server.Port}/");
        var clients = new[] { await TestServer.ConnectClientAsync(uri), await TestServer.ConnectClientAsync(uri) };
        using var cts = new System.Threading.CancellationTokenSource(RawClient.Timeout);
        var receives = clients.Select(c => c.ReceiveAsync(new byte[16], cts.Token)).ToArray();

        var stop = server.Server.StopAsync();

        // ClientWebSocket answers the close inside ReceiveAsync; disposing it ends TCP.
        foreach (var (client, receive) in clients.Zip(receives))
        {
            var result = await receive;
            Assert.That(result.MessageType, Is.EqualTo(System.Net.WebSockets.WebSocketMessageType.Close));
            Assert.That(client.CloseStatus, Is.EqualTo(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable));
            client.Dispose();
        }

        await RecordingServer.Bounded(stop, "StopAsync");

        Assert.That(server.AllCloses.Select(c => c.Close.Cause), Is.All.EqualTo(WsCloseCause.ServerStopping));
        Assert.That(server.AllCloses.Count, Is.EqualTo(2));
    }

    [Test]
    public async Task Stop_PortCanBeBoundAgainRightAfter()
    {
        int port;
        await using (var server = await RecordingServer.StartEchoAsync())
        {
            port = server.Port;
            await using var client = await RawClient.OpenAsync(port);
            var stop = server.Server.StopAsync();
            Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1001));
            await client.SendAsync(ClientFrame.Close(1001));
            await client.AssertServerClosedAsync(RawClient.Timeout);
            await RecordingServer.Bounded(stop, "StopAsync");
        }

        var again = new WsServer(new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, port) });
        again.OnMessage += RecordingServer.Echo;
        await again.StartAsync();
        try
        {
            Assert.That(again.Port, Is.EqualTo(port));
            await using var next = await RawClient.OpenAsync(port);
            await next.SendAsync(ClientFrame.Text("second life"));
            Assert.That(await next.ReadTextAsync(), Is.EqualTo("second life"));
        }
        finally
        {
            await RecordingServer.Bounded(again.StopAsync(), "StopAsync");
        }
    }

    [Test]
    public async Task Stop_WhileTheAcceptHookRuns_HandshakeGets503_AndNoOnConnect()
    {
        var inHook = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RecordingServer.StartEchoAsync(o => o.AcceptHandler = async _ =>
        {
            inHook.TrySetResult();
            await release.Task;
        });
        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync(new RawRequest(server.Port).ToBytes());
        await inHook.Task.WaitAsync(RawClient.Timeout);

        // StopAsync marks the server stopping before its first await.
        var stop = server.Server.StopAsync();
        release.SetResult();

        var head = await client.ReadHeadAsync();
        Assert.That(head.Status, Is.EqualTo(503), head.Raw);
        await client.AssertServerClosedAsync(RawClient.Timeout);
        await RecordingServer.Bounded(stop, "StopAsync");
        Assert.That(server.ConnectCount, Is.Zero);
    }

    [Test]
    public async Task Stop_CalledTwice_SecondReturnsAtOnce()
    {
        await using var server = await RecordingServer.StartEchoAsync();

        await server.StopAsync();
        var second = server.Server.StopAsync();

        Assert.That(second.IsCompleted, Is.True);
        await second;
    }
}
