using System.Linq;
using System.Net.WebSockets;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Cluster;

/// <summary>WsBackplaneNode: frames from other nodes reach the right local connections; bad frames are refused.</summary>
public class WsBackplaneNodeTests
{
    [Test]
    public async Task Deliver_ToAllGroupAndOne_ReachTheRightConnections()
    {
        var backplane = new RecordingBackplane();
        await using var server = await RecordingServer.StartAsync(o => o.Backplane = backplane);
        using var a = await JsonClient.ConnectAsync(server.Port);
        var first = await server.NextConnectionAsync();
        using var b = await JsonClient.ConnectAsync(server.Port);
        var second = await server.NextConnectionAsync();
        server.Server.Groups.Add(second, "g");
        var node = backplane.Node!;

        Assert.That(node.DeliverToAll(Convert.FromHexString("810161"), WsDelivery.Reliable), Is.EqualTo(2));
        Assert.That(node.DeliverToGroup("g", Convert.FromHexString("810162"), WsDelivery.Droppable), Is.EqualTo(1));
        Assert.That(node.DeliverToGroup("none", Convert.FromHexString("810162"), WsDelivery.Reliable), Is.EqualTo(0));
        Assert.That(node.DeliverToConnection(first.Id, Convert.FromHexString("820103"), WsDelivery.Latest("k")), Is.True);
        Assert.That(node.DeliverToConnection(999999, Convert.FromHexString("820103"), WsDelivery.Reliable), Is.False);

        Assert.That(await a.ReceiveTextAsync(), Is.EqualTo("a"));
        Assert.That(await a.ReceiveAsync(), Is.EqualTo((WebSocketMessageType.Binary, new byte[] { 3 })));
        Assert.That(await b.ReceiveTextAsync(), Is.EqualTo("a"));
        Assert.That(await b.ReceiveTextAsync(), Is.EqualTo("b"));
        Assert.That(backplane.Calls.Where(c => !c.StartsWith("first")), Is.Empty, "a delivery is never published again");
    }

    [Test]
    public async Task CloseConnection_ClosesWithTheCode_UnknownOrBadCodeIsFalse()
    {
        var backplane = new RecordingBackplane();
        await using var server = await RecordingServer.StartAsync(o => o.Backplane = backplane);
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        Assert.That(backplane.Node!.CloseConnection(connection.Id, 1005, null), Is.False, "1005 is never sent (RFC 6455 §7.4.1)");
        Assert.That(backplane.Node.CloseConnection(123456, 4000, null), Is.False);
        Assert.That(backplane.Node.CloseConnection(connection.Id, 4000, "moved"), Is.True);

        Assert.That(await client.ReceiveCloseAsync(), Is.EqualTo(((WebSocketCloseStatus?)4000, (string?)"moved")));
    }

    [TestCase("810161", true)]
    [TestCase("820100", true)]
    [TestCase("8100", true)]
    [TestCase("81", false)]               // no length
    [TestCase("010161", false)]           // FIN clear: a fragment
    [TestCase("C10161", false)]           // RSV1 set
    [TestCase("890161", false)]           // ping: a control frame
    [TestCase("80016100", false)]         // continuation
    [TestCase("81816100000000", false)]   // masked (RFC 6455 §5.1: a server never masks)
    [TestCase("81026100", true)]
    [TestCase("810261", false)]           // shorter than declared
    [TestCase("81016161", false)]         // longer than declared
    [TestCase("817E0001", false)]         // 16-bit length, payload missing
    public void IsDataFrame_ChecksTheHeaderAgainstTheBytes(string hex, bool valid) =>
        Assert.That(WsBackplaneNode.IsDataFrame(Convert.FromHexString(hex)), Is.EqualTo(valid));

    [Test]
    public async Task Deliver_NotAFrame_Throws()
    {
        var backplane = new RecordingBackplane();
        await using var server = await RecordingServer.StartAsync(o => o.Backplane = backplane);

        Assert.That(() => backplane.Node!.DeliverToAll(new byte[] { 0x81, 0x05, 0x61 }, WsDelivery.Reliable), Throws.ArgumentException);
    }
}
