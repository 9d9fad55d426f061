using System.Linq;
using System.Net;
using System.Net.Sockets;
using EmbedWs.Tests.TestSupport;
using static EmbedWs.Tests.Mount.MountRequests;

namespace EmbedWs.Tests.Mount;

/// <summary>
/// <see cref="WsServer.AcceptAsync"/>: a connection whose handshake another server did, over an
/// in-memory duplex stream (no socket), gets what the listener's connections get: echo through
/// the same pump, pings answered, the closing handshake, one OnClose, limits, the slow-consumer
/// policy, the heartbeat, groups, the stop with 1001.
/// </summary>
public class WsServerAcceptTests
{
    [Test]
    public async Task Accept_ListenFalse_OpensNoPort()
    {
        await using var server = await StartAsync();

        Assert.That(server.Server.Port, Is.EqualTo(0));
        Assert.That(server.Server.LocalEndPoints, Is.Empty);
    }

    [Test]
    public async Task Accept_TextBinaryAndPing_EchoedAndAnsweredOverTheStream()
    {
        await using var server = await StartAsync();
        await using var mounted = await ConnectAsync(server.Server);
        var connection = await server.NextConnectionAsync();
        var binary = new byte[70_000];
        new Random(1).NextBytes(binary);

        await mounted.Client.SendAsync(ClientFrame.Concat(ClientFrame.Text("héllo"), ClientFrame.Ping("p"u8), ClientFrame.Binary(binary)));

        Assert.That(await mounted.Client.ReadTextAsync(), Is.EqualTo("héllo"));
        var pong = await mounted.Client.ReadFrameAsync();
        Assert.That(pong.Opcode, Is.EqualTo(ClientFrame.OpPong));
        Assert.That(pong.Text, Is.EqualTo("p"));
        var (opcode, echoed) = await mounted.Client.ReadMessageAsync();
        Assert.That(opcode, Is.EqualTo(ClientFrame.OpBinary));
        Assert.That(echoed, Is.EqualTo(binary));
        Assert.That(connection.Info.Path, Is.EqualTo("/ws"));
        Assert.That(server.Server.ConnectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Accept_ClientCloses_CloseEchoedTaskCompletesOneOnClose()
    {
        await using var server = await StartAsync();
        await using var mounted = await ConnectAsync(server.Server);
        var connection = await server.NextConnectionAsync();

        await mounted.Client.SendAsync(ClientFrame.Close(4001, "bye"));

        Assert.That((await mounted.Client.ReadCloseAsync()).Code, Is.EqualTo(4001));
        await mounted.WaitEndedAsync();
        await mounted.Client.AssertServerClosedAsync(RawClient.Timeout);
        var close = await server.CloseOfAsync(connection);
        Assert.That(close.Code, Is.EqualTo(4001));
        Assert.That(close.Cause, Is.EqualTo(WsCloseCause.ClientClosed));
        Assert.That(server.AllCloses.Count(c => c.Id == connection.Id), Is.EqualTo(1));
        Assert.That(server.Server.ConnectionCount, Is.EqualTo(0));
    }

    [Test]
    public async Task Accept_ServerCloses_ClientRepliesTaskCompletes()
    {
        await using var server = await StartAsync();
        await using var mounted = await ConnectAsync(server.Server);
        var connection = await server.NextConnectionAsync();

        connection.Close(4002, "done");
        Assert.That((await mounted.Client.ReadCloseAsync()).Code, Is.EqualTo(4002));
        await mounted.Client.SendAsync(ClientFrame.Close(4002));

        await mounted.WaitEndedAsync();
        var close = await server.CloseOfAsync(connection);
        Assert.That(close.Code, Is.EqualTo(4002));
        Assert.That(close.Cause, Is.EqualTo(WsCloseCause.ServerClosed));
    }

    [Test]
    public async Task Accept_OtherServerEndsTheStream_OnCloseSays1006()
    {
        await using var server = await StartAsync();
        await using var mounted = await ConnectAsync(server.Server);
        var connection = await server.NextConnectionAsync();

        await mounted.Client.DisposeAsync();

        Assert.That((await server.CloseOfAsync(connection)).Code, Is.EqualTo(1006));
        await mounted.WaitEndedAsync();
    }

    [Test]
    public async Task Accept_MessageOverLimit_ClosedWith1009()
    {
        await using var server = await StartAsync(o => o.MaxMessageSize = 1000);
        await using var mounted = await ConnectAsync(server.Server);
        var connection = await server.NextConnectionAsync();

        await mounted.Client.SendAsync(ClientFrame.Binary(new byte[1001]));

        Assert.That((await mounted.Client.ReadCloseAsync()).Code, Is.EqualTo(1009));
        await mounted.WaitEndedAsync();
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.MessageTooBig));
    }

    [Test]
    public async Task Accept_ClientNeverReads_ClosedAsSlowConsumer()
    {
        await using var server = await StartAsync(o =>
        {
            o.MaxSendQueueBytes = 64 * 1024;
            o.CloseTimeout = TimeSpan.FromMilliseconds(200);
        });
        await using var mounted = await ConnectAsync(server.Server);
        var connection = await server.NextConnectionAsync();

        // The pipe holds 64 KiB before it pushes back, the queue 64 KiB more: then the policy acts.
        var chunk = new byte[16 * 1024];
        for (int i = 0; i < 64 && connection.State == WsConnectionState.Open; i++)
        {
            connection.Send(chunk.AsMemory());
        }

        var close = await server.CloseOfAsync(connection);
        Assert.That(close.Cause, Is.EqualTo(WsCloseCause.SlowConsumer));
        await mounted.WaitEndedAsync();
    }

    [Test]
    public async Task Accept_Heartbeat_PingsTheMountedClient()
    {
        await using var server = await StartAsync(o => o.Heartbeat = HeartbeatPolicy.PingPong(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5)));
        await using var mounted = await ConnectAsync(server.Server);

        var ping = await mounted.Client.ReadFrameAsync();

        Assert.That(ping.Opcode, Is.EqualTo(ClientFrame.OpPing));
    }

    [Test]
    public async Task Accept_GroupsAndBroadcast_ReachMountedAndListenedConnectionsAlike()
    {
        await using var server = await RecordingServer.StartEchoAsync(o => o.Endpoint = new IPEndPoint(IPAddress.Loopback, 0));
        await using var mounted = await ConnectAsync(server.Server);
        var viaMount = await server.NextConnectionAsync();
        await using var tcp = await RawClient.OpenAsync(server.Port);
        var viaSocket = await server.NextConnectionAsync();

        server.Server.Groups.Add(viaMount, "room");
        server.Server.Groups.Add(viaSocket, "room");
        server.Server.Groups.Send("room", "to the room");

        Assert.That(await mounted.Client.ReadTextAsync(), Is.EqualTo("to the room"));
        Assert.That(await tcp.ReadTextAsync(), Is.EqualTo("to the room"));
        Assert.That(viaMount.Id, Is.Not.EqualTo(viaSocket.Id));
    }

    [Test]
    public async Task Accept_ServerStops_MountedClientGets1001()
    {
        await using var server = await StartAsync();
        await using var mounted = await ConnectAsync(server.Server);
        var connection = await server.NextConnectionAsync();

        var stopping = server.Server.StopAsync();
        Assert.That((await mounted.Client.ReadCloseAsync()).Code, Is.EqualTo(1001));
        await mounted.Client.SendAsync(ClientFrame.Close(1001));
        await stopping.WaitAsync(RawClient.Timeout);

        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.ServerStopping));
        await mounted.WaitEndedAsync();
    }

    [Test]
    public async Task Accept_DecisionUsedTwiceOrRefused_Throws()
    {
        await using var server = await StartAsync();
        var decision = await server.Server.AdmitAsync(Request());
        var refused = await server.Server.AdmitAsync(Request(headers: Headers().Without("Upgrade")));
        var (a, _) = DuplexStream.CreatePair();
        var (b, _) = DuplexStream.CreatePair();
        _ = server.Server.AcceptAsync(decision, a);

        Assert.Throws<InvalidOperationException>(() => server.Server.AcceptAsync(decision, b));
        Assert.Throws<InvalidOperationException>(() => server.Server.AcceptAsync(refused, b));
        a.Dispose();
    }

    [Test]
    public async Task Accept_ItemsFromAcceptHook_OnTheConnection()
    {
        await using var server = await StartAsync(o => o.AcceptHandler = ctx =>
        {
            ctx.Items["user"] = "alice";
            return default;
        });
        await using var mounted = await ConnectAsync(server.Server);

        var connection = await server.NextConnectionAsync();

        Assert.That(connection.Items["user"], Is.EqualTo("alice"));
    }

    private static Task<RecordingServer> StartAsync(Action<WsServerOptions>? configure = null) =>
        RecordingServer.StartEchoAsync(o =>
        {
            o.Listen = false;
            configure?.Invoke(o);
        });
}
