using System.Collections.Generic;
using System.Net;
using System.Threading;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Transport;

/// <summary>Options are frozen at start; a server starts once; FlushAsync waits for the socket.</summary>
public class ServerLifecycleTests
{
    [Test]
    public async Task Options_SetAfterStart_Throws_AndTheRunningServerKeepsItsSettings()
    {
        var options = new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), MaxMessageSize = 100 };
        await using var server = new WsServer(options);
        server.OnMessage += (c, m) => c.Send(m.Data.Length.ToString());
        await server.StartAsync();

        var error = Assert.Throws<InvalidOperationException>(() => options.MaxMessageSize = 10_000);
        Assert.That(error!.Message, Does.Contain("WsServerOptions.MaxMessageSize cannot change"));
        Assert.Throws<InvalidOperationException>(() => options.Heartbeat = HeartbeatPolicy.None);
        Assert.Throws<InvalidOperationException>(() => options.Dispatch = EventDispatch.ThreadPool);
        Assert.Throws<InvalidOperationException>(() => options.SupportedSubProtocols.Add("chat"));
        Assert.Throws<InvalidOperationException>(() => options.AllowedOrigins = new List<string>());
        Assert.That(options.MaxMessageSize, Is.EqualTo(100));

        using var client = await JsonClient.ConnectAsync(server.Port);
        await client.SendBinaryAsync(new byte[100]);
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("100"));
        await client.SendBinaryAsync(new byte[101]);
        var (status, _) = await client.ReceiveCloseAsync();
        Assert.That(status, Is.EqualTo(System.Net.WebSockets.WebSocketCloseStatus.MessageTooBig), "the limit in force is the one frozen at start");
    }

    [Test]
    public async Task Options_AllowedOriginsList_IsFrozenToo()
    {
        var options = new WsServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            AllowedOrigins = new List<string> { "https://a.example" },
        };
        await using var server = new WsServer(options);
        await server.StartAsync();

        Assert.Throws<InvalidOperationException>(() => options.AllowedOrigins!.Add("https://b.example"));
        Assert.That(options.AllowedOrigins, Is.EqualTo(new[] { "https://a.example" }));
    }

    [Test]
    public async Task Options_FrozenByOneServer_StillStartAnother()
    {
        var options = new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) };
        await using var first = new WsServer(options);
        await first.StartAsync();
        await using var second = new WsServer(options);

        await second.StartAsync();

        Assert.That(second.Port, Is.Not.EqualTo(first.Port));
    }

    [Test]
    public async Task Start_AfterStop_Throws()
    {
        var server = new WsServer(new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) });
        await server.StartAsync();
        await server.StopAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync());
        Assert.That(error!.Message, Does.Contain("create a new WsServer"));
    }

    [Test]
    public async Task Start_AfterDisposeBeforeStart_Throws()
    {
        var server = new WsServer(new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) });
        await server.DisposeAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync());
        Assert.That(server.Port, Is.Zero, "nothing listens");
    }

    [Test]
    public async Task Start_Twice_Throws()
    {
        await using var server = new WsServer(new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) });
        await server.StartAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync());
        Assert.That(error!.Message, Does.Contain("already running"));
    }

    [Test]
    public async Task TryGetConnection_Found_IsNotNull()
    {
        await using var server = await RecordingServer.StartAsync();
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        Assert.That(server.Server.TryGetConnection(connection.Id, out var found), Is.True);
        Assert.That(found!.Id, Is.EqualTo(connection.Id));
        Assert.That(server.Server.TryGetConnection(-1, out var missing), Is.False);
        Assert.That(missing, Is.Null);
    }

    [Test]
    public async Task FlushAsync_LargeQueue_CompletesTrueOnceTheClientHasReadIt()
    {
        var (server, client, connection) = await SlowReaderAsync();
        await using var _ = server;
        await using var __ = client;
        var payload = new byte[2 * 1024 * 1024];
        Assert.That(connection.Send(payload), Is.True);

        var flushed = connection.FlushAsync().AsTask();
        Assert.That(flushed.IsCompleted, Is.False, "2 MiB cannot all be in the socket while the client does not read");

        var (_, received) = await client.ReadMessageAsync();
        Assert.That(received, Has.Length.EqualTo(payload.Length));
        Assert.That(await flushed.WaitAsync(RecordingServer.Timeout), Is.True);
        Assert.That(await connection.FlushAsync(), Is.True, "nothing queued: at once");
    }

    [Test]
    public async Task FlushAsync_ConnectionDropsWithBytesQueued_CompletesFalse()
    {
        var (server, client, connection) = await SlowReaderAsync();
        await using var _ = server;
        await using var __ = client;
        connection.Send(new byte[2 * 1024 * 1024]);
        var flushed = connection.FlushAsync().AsTask();

        connection.Abort();

        Assert.That(await flushed.WaitAsync(RecordingServer.Timeout), Is.False);
    }

    [Test]
    public async Task FlushAsync_Cancelled_ThrowsButTheBytesStillLeave()
    {
        var (server, client, connection) = await SlowReaderAsync();
        await using var _ = server;
        await using var __ = client;
        connection.Send(new byte[1024 * 1024]);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        Assert.That(async () => await connection.FlushAsync(cancel.Token), Throws.InstanceOf<OperationCanceledException>());

        var (_, received) = await client.ReadMessageAsync();
        Assert.That(received, Has.Length.EqualTo(1024 * 1024));
    }

    // A server whose queue takes megabytes, and a client that does not read yet: small socket
    // buffers on both sides, so a large send waits in the queue.
    private static async Task<(RecordingServer Server, RawClient Client, IWsConnection Connection)> SlowReaderAsync()
    {
        var server = await RecordingServer.StartAsync(o => o.MaxSendQueueBytes = 64 * 1024 * 1024);
        var client = await RawClient.OpenAsync(server.Port, s => s.ReceiveBufferSize = 4096);
        var connection = await server.NextConnectionAsync();
        connection.Transport().Socket!.SendBufferSize = 4096;
        return (server, client, connection);
    }
}
