using System.Linq;
using System.Threading;
using System.Net.WebSockets;
using EmbedWs.Tests.TestSupport;
using NSubstitute;

namespace EmbedWs.Tests.Cluster;

/// <summary>
/// The server's side of the backplane seam: what it publishes (the frame it encoded once), what
/// it delivers itself (its own connections, with no round trip), group membership changes,
/// cluster-wide ids, the backplane's start, tick and stop.
/// </summary>
public class WsServerClusterTests
{
    private static async Task<(RecordingServer Server, RecordingBackplane Backplane)> StartAsync(string node = "n1")
    {
        var backplane = new RecordingBackplane(node);
        var server = await RecordingServer.StartAsync(o => o.Backplane = backplane);
        return (server, backplane);
    }

    [Test]
    public async Task Broadcast_WithBackplane_PublishesTheEncodedFrameOnce_AndDeliversLocallyItself()
    {
        var (server, backplane) = await StartAsync();
        await using var _ = server;
        using var client = await JsonClient.ConnectAsync(server.Port);
        await server.NextConnectionAsync();

        Assert.That(server.Server.Broadcast("hi"), Is.EqualTo(1));
        Assert.That(server.Server.Broadcast(new byte[] { 1, 2 }), Is.EqualTo(1));

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("hi"));
        Assert.That(await client.ReceiveAsync(), Is.EqualTo((WebSocketMessageType.Binary, new byte[] { 1, 2 })));
        Assert.That(backplane.Calls, Is.EqualTo(new[] { "all 81026869", "all 82020102" }), "RFC 6455 §5.2: FIN + text/binary, unmasked, length 2");
    }

    [Test]
    public async Task Broadcast_NoLocalConnections_StillPublishes()
    {
        var (server, backplane) = await StartAsync();
        await using var _ = server;

        Assert.That(server.Server.BroadcastJson("t", 1), Is.EqualTo(0));

        Assert.That(backplane.Calls.Single(), Does.StartWith("all 81"));
    }

    [Test]
    public async Task GroupSend_PublishesToTheGroup_WithOrWithoutLocalMembers()
    {
        var (server, backplane) = await StartAsync();
        await using var _ = server;
        using var client = await JsonClient.ConnectAsync(server.Port);
        var member = await server.NextConnectionAsync();
        server.Server.Groups.Add(member, "g");

        Assert.That(server.Server.Groups.Send("g", "x"), Is.EqualTo(1));
        Assert.That(server.Server.Groups.Send("elsewhere", "y"), Is.EqualTo(0));
        Assert.That(server.Server.Groups.SendJson("elsewhere", "t", null), Is.EqualTo(0));

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("x"));
        Assert.That(backplane.Calls.Skip(1).Take(2), Is.EqualTo(new[] { "group g 810178", "group elsewhere 810179" }));
        Assert.That(backplane.Calls.Last(), Does.StartWith("group elsewhere 81"));
    }

    [Test]
    public async Task DeliveryClasses_PublishedWithTheirClassAndKey_AndDeliveredLocallyTheSameWay()
    {
        var logs = new RecordingLoggerFactory();
        var backplane = new RecordingBackplane("n1");
        await using var server = await RecordingServer.StartAsync(o =>
        {
            o.Backplane = backplane;
            o.LoggerFactory = logs;
        });
        using var client = await JsonClient.ConnectAsync(server.Port);
        var member = await server.NextConnectionAsync();
        server.Server.Groups.Add(member, "g");

        Assert.That(server.Server.Broadcast("r", WsDelivery.Reliable), Is.EqualTo(1));
        Assert.That(server.Server.Groups.Send("g", "r", WsDelivery.Reliable), Is.EqualTo(1));
        Assert.That(server.Server.Broadcast("d", WsDelivery.Droppable), Is.EqualTo(1));
        Assert.That(server.Server.Groups.Send("g", "l", WsDelivery.Latest("k")), Is.EqualTo(1));
        Assert.That(server.Server.Groups.Send("nobody here", "l", WsDelivery.Latest("")), Is.EqualTo(0));

        foreach (var expected in new[] { "r", "r", "d", "l" })
        {
            Assert.That(await client.ReceiveTextAsync(), Is.EqualTo(expected));
        }

        Assert.That(backplane.Calls.Where(c => !c.StartsWith("first", StringComparison.Ordinal)), Is.EqualTo(new[]
        {
            "all 810172", "group g 810172", "all 810164 Droppable", "group g 81016C Latest(k)", "group nobody here 81016C Latest()",
        }));
        Assert.That(logs.Count(221), Is.Zero, "nothing stays local any more: event 221 is retired");
    }

    [Test]
    public async Task Groups_FirstMemberJoinsLastLeaves_TellTheBackplaneInOrder()
    {
        var (server, backplane) = await StartAsync();
        await using var _ = server;
        var a = await JsonClient.ConnectAsync(server.Port);
        var first = await server.NextConnectionAsync();
        using var b = await JsonClient.ConnectAsync(server.Port);
        var second = await server.NextConnectionAsync();
        var groups = server.Server.Groups;

        groups.Add(first, "g");
        groups.Add(second, "g");
        groups.Add(first, "h");
        groups.Remove(second, "g");
        groups.Add(second, "g");
        groups.Remove(second, "g");
        await a.CloseAsync();
        a.Dispose();
        await server.CloseOfAsync(first);

        Assert.That(backplane.Calls.Take(2), Is.EqualTo(new[] { "first g", "first h" }), "the second member and a rejoin tell nothing");
        Assert.That(backplane.Calls.Skip(2), Is.EquivalentTo(new[] { "last g", "last h" }), "the close removed the last member of both");
    }

    [Test]
    public async Task SendTo_OwnNode_DeliversHere_OtherNode_PublishesToThatConnection()
    {
        var (server, backplane) = await StartAsync("n1");
        await using var _ = server;
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        string id = server.Server.ClusterIdOf(connection);

        Assert.That(id, Is.EqualTo("n1:" + connection.Id));
        Assert.That(server.Server.SendTo(id, "mine"), Is.True);
        Assert.That(server.Server.SendTo("n1:999999", "gone"), Is.False, "not open here");
        Assert.That(server.Server.SendTo("n2:7", "yours"), Is.True);
        Assert.That(server.Server.SendJsonTo("eu:west:1:8", "t", null), Is.True, "the node id may hold colons: the last one splits");

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("mine"));
        Assert.That(backplane.Calls.First(), Is.EqualTo("one n2:7 8105796F757273"));
        Assert.That(backplane.Calls.Last(), Does.StartWith("one eu:west:1:8 81"));
        Assert.That(() => server.Server.SendTo("n2", "x"), Throws.ArgumentException.With.Message.Contains("node:connection"));
    }

    [Test]
    public async Task CloseConnection_OwnNode_ClosesHere_OtherNode_Publishes()
    {
        var (server, backplane) = await StartAsync("n1");
        await using var _ = server;
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        Assert.That(server.Server.CloseConnection("n2:5", 4000, "bye"), Is.True);
        Assert.That(server.Server.CloseConnection(server.Server.ClusterIdOf(connection), 4001, "here"), Is.True);

        Assert.That(await client.ReceiveCloseAsync(), Is.EqualTo(((WebSocketCloseStatus?)4001, (string?)"here")));
        Assert.That(backplane.Calls, Is.EqualTo(new[] { "close n2:5 4000 bye" }));
        Assert.That(() => server.Server.CloseConnection("n2:5", 1005), Throws.InstanceOf<ArgumentOutOfRangeException>(), "1005 is never sent (RFC 6455 §7.4.1)");
    }

    [Test]
    public async Task NoBackplane_ClusterIdsAreLocal_OtherNodesUnreachable_CountsAreLocal()
    {
        await using var server = await RecordingServer.StartAsync();
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        server.Server.Groups.Add(connection, "g");

        Assert.That(server.Server.NodeId, Is.EqualTo(WsServer.LocalNodeId));
        Assert.That(server.Server.SendTo(server.Server.ClusterIdOf(connection), "hi"), Is.True);
        Assert.That(server.Server.SendTo("n2:1", "hi"), Is.False);
        Assert.That(server.Server.CloseConnection("n2:1"), Is.False);
        Assert.That(await server.Server.CountClusterConnectionsAsync(), Is.EqualTo(1));
        Assert.That(await server.Server.CountClusterGroupMembersAsync("g"), Is.EqualTo(1));
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("hi"));
    }

    [Test]
    public async Task Backplane_StartedWithTheNode_Ticked_StoppedBeforeClientsClose_CountsAsked()
    {
        var (server, backplane) = await StartAsync();
        using var client = await JsonClient.ConnectAsync(server.Port);
        await server.NextConnectionAsync();

        Assert.That(backplane.Node!.Server, Is.SameAs(server.Server));
        await Poll.UntilAsync(() => backplane.Ticks > 0, "the server's tick should call OnTick (at least once a second)", TimeSpan.FromSeconds(5));
        Assert.That(await server.Server.CountClusterConnectionsAsync(), Is.EqualTo(42));
        Assert.That(await server.Server.CountClusterGroupMembersAsync("abc"), Is.EqualTo(3));

        await server.DisposeAsync();

        Assert.That(backplane.Stopped, Is.True);
        Assert.That(backplane.ConnectionsAtStop, Is.EqualTo(1), "the node leaves the cluster before its clients are closed");
    }

    [Test]
    public async Task Backplane_StopThrows_IsReported_AndTheServerStillStops()
    {
        var backplane = Substitute.For<IWsBackplane>();
        backplane.NodeId.Returns("n1");
        backplane.StartAsync(default!, default).ReturnsForAnyArgs(Task.CompletedTask);
        backplane.StopAsync(default).ReturnsForAnyArgs(Task.FromException(new InvalidOperationException("redis went away")));
        var server = await RecordingServer.StartAsync(o => o.Backplane = backplane);
        using var client = await JsonClient.ConnectAsync(server.Port);
        await server.NextConnectionAsync();

        await server.DisposeAsync();

        var (_, error) = await server.NextErrorAsync();
        Assert.That(error.Message, Is.EqualTo("redis went away"));
        await backplane.Received(1).StartAsync(Arg.Is<WsBackplaneNode>(n => n.Server == server.Server), Arg.Any<CancellationToken>());
        Assert.That(server.Server.ConnectionCount, Is.Zero);
    }
}
