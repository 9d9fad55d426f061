using System.Collections.Generic;
using EmbedWs.Routing;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Groups;

/// <summary>Groups on a running server: sends reach members only; a closed connection leaves every group.</summary>
public class WsGroupsSendTests
{
    [Test]
    public async Task Close_MemberOfSeveralGroups_LeavesAllGroupsBeforeOnClose()
    {
        var groupsAtClose = new TaskCompletionSource<IReadOnlyCollection<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        WsServer? self = null;
        await using var server = await RecordingServer.StartAsync(wire: s =>
        {
            self = s;
            s.OnClose += (c, close) => groupsAtClose.TrySetResult(self!.Groups.GroupsOf(c));
        });
        var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        using var stays = await JsonClient.ConnectAsync(server.Port);
        var other = await server.NextConnectionAsync();
        var groups = server.Server.Groups;
        groups.Add(connection, "lobby");
        groups.Add(connection, "red team");
        groups.Add(other, "lobby");

        await client.CloseAsync();
        client.Dispose();
        await server.CloseOfAsync(connection);

        Assert.That(await groupsAtClose.Task.WaitAsync(RecordingServer.Timeout), Is.Empty, "OnClose sees the connection in no group");
        Assert.That(groups.GroupsOf(connection), Is.Empty);
        Assert.That(groups.Members("lobby"), Is.EquivalentTo(new[] { other }));
        Assert.That(groups.Names, Is.EquivalentTo(new[] { "lobby" }), "\"red team\" had only the closed connection");
        Assert.That(groups.Add(connection, "lobby"), Is.False, "a closed connection cannot join");
    }

    [Test]
    public async Task Close_QueuedDispatchNotPumped_LeavesGroupsAtOnce_OnCloseWaitsForThePump()
    {
        await using var server = await RecordingServer.StartAsync(o => o.Dispatch = EventDispatch.Queued);
        var client = await JsonClient.ConnectAsync(server.Port);
        using var stays = await JsonClient.ConnectAsync(server.Port);
        await Poll.UntilAsync(() => server.Server.PumpEvents() >= 0 && server.ConnectCount == 2, "both OnConnect should run in PumpEvents");
        var connection = await server.NextConnectionAsync();
        var other = await server.NextConnectionAsync();
        var groups = server.Server.Groups;
        groups.Add(connection, "room");
        groups.Add(other, "room");

        await client.CloseAsync();
        client.Dispose();

        // Nobody pumps: OnClose waits, but the group no longer holds the closed connection.
        await Poll.UntilAsync(() => groups.Count("room") == 1, "the closed connection should leave its group without PumpEvents");
        Assert.That(groups.Members("room"), Is.EquivalentTo(new[] { other }));
        Assert.That(groups.Send("room", "to the room"), Is.EqualTo(1));
        Assert.That(server.AllCloses, Is.Empty, "OnClose runs only inside PumpEvents");
        server.Server.PumpEvents();
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.ClientClosed));
    }

    [Test]
    public async Task Send_TextToGroupExceptOne_ReachesOnlyOtherMembers()
    {
        await using var server = await RecordingServer.StartAsync();
        var (clients, connections) = await ConnectAsync(server, 3);
        try
        {
            var groups = server.Server.Groups;
            groups.Add(connections[0], "room");
            groups.Add(connections[1], "room");

            int sent = groups.Send("room", "hello room", except: connections[1]);
            server.Server.Broadcast("marker");

            Assert.That(sent, Is.EqualTo(1));
            Assert.That(await clients[0].ReceiveTextAsync(), Is.EqualTo("hello room"));
            Assert.That(await clients[0].ReceiveTextAsync(), Is.EqualTo("marker"));
            Assert.That(await clients[1].ReceiveTextAsync(), Is.EqualTo("marker"), "the excluded member got the group message");
            Assert.That(await clients[2].ReceiveTextAsync(), Is.EqualTo("marker"), "a non-member got the group message");
        }
        finally
        {
            Array.ForEach(clients, c => c.Dispose());
        }
    }

    [Test]
    public async Task Send_UnknownGroup_SendsNothing()
    {
        await using var server = await RecordingServer.StartAsync();
        var (clients, _) = await ConnectAsync(server, 1);
        using var client = clients[0];

        Assert.That(server.Server.Groups.Send("nowhere", "lost"), Is.Zero);
        server.Server.Broadcast("marker");
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("marker"));
    }

    [Test]
    public async Task SendJson_TypeAndData_SendsJsonEnvelopeToMembers()
    {
        await using var server = await RecordingServer.StartAsync();
        var (clients, connections) = await ConnectAsync(server, 3);
        try
        {
            var groups = server.Server.Groups;
            groups.Add(connections[0], "room");
            groups.Add(connections[1], "room");
            groups.Add(connections[2], "room");

            int sent = groups.SendJson("room", "room.message", new { From = "ann", Text = "hi" }, except: connections[2]);
            server.Server.Broadcast("marker");

            Assert.That(sent, Is.EqualTo(2));
            const string Expected = "{\"type\":\"room.message\",\"data\":{\"from\":\"ann\",\"text\":\"hi\"}}";
            Assert.That(await clients[0].ReceiveTextAsync(), Is.EqualTo(Expected));
            Assert.That(await clients[1].ReceiveTextAsync(), Is.EqualTo(Expected));
            Assert.That(await clients[2].ReceiveTextAsync(), Is.EqualTo("marker"));
        }
        finally
        {
            Array.ForEach(clients, c => c.Dispose());
        }
    }

    // Connects one client at a time, pairing each with its server-side connection.
    private static async Task<(JsonClient[] Clients, IWsConnection[] Connections)> ConnectAsync(RecordingServer server, int count)
    {
        var clients = new JsonClient[count];
        var connections = new IWsConnection[count];
        for (int i = 0; i < count; i++)
        {
            clients[i] = await JsonClient.ConnectAsync(server.Port);
            connections[i] = await server.NextConnectionAsync();
        }

        return (clients, connections);
    }
}
