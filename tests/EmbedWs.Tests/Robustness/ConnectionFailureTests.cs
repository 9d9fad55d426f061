using System.Linq;
using System.Threading;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Robustness;

/// <summary>
/// Connections that end badly (reset, abort) and handlers that throw: exactly one OnClose with
/// the right cause, the connection leaves the server's store, the server goes on.
/// </summary>
public class ConnectionFailureTests
{
    [Test]
    public async Task Reset_MidFrame_OnCloseOnceWithConnectionLost1006_AndConnectionRemoved()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        Assert.That(server.Server.ConnectionCount, Is.EqualTo(1));

        // Half of a 100-byte frame, then RST.
        var frame = ClientFrame.Binary(new byte[100]);
        await client.SendAsync(frame.AsSpan(0, 50).ToArray());
        client.Reset();

        var info = await server.CloseOfAsync(connection);
        Assert.That(info.Cause, Is.EqualTo(WsCloseCause.ConnectionLost));
        Assert.That(info.Code, Is.EqualTo(1006));
        Assert.That(server.Server.ConnectionCount, Is.Zero);
        Assert.That(server.Server.Connections.Select(c => c.Id), Does.Not.Contain(connection.Id));
        Assert.That(server.Server.TryGetConnection(connection.Id, out _), Is.False);
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Aborted), "no closing handshake: the connection ended aborted");
        await server.AssertStillServesAsync();
        await server.StopAndAssertOneClosePerConnectionAsync();
    }

    [Test]
    public async Task Reset_MidFragmentedMessage_OnCloseOnceWithConnectionLost()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        await client.SendAsync(ClientFrame.Text("first half", fin: false));
        client.Reset();

        var info = await server.CloseOfAsync(connection);
        Assert.That(info.Cause, Is.EqualTo(WsCloseCause.ConnectionLost));
        Assert.That(info.Code, Is.EqualTo(1006));
        await server.StopAndAssertOneClosePerConnectionAsync();
    }

    [Test]
    public async Task Fin_WithoutCloseFrame_OnCloseOnceWithConnectionLost1006()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        client.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);

        var info = await server.CloseOfAsync(connection);
        Assert.That(info.Cause, Is.EqualTo(WsCloseCause.ConnectionLost));
        Assert.That(info.Code, Is.EqualTo(1006));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        await client.DisposeAsync();
        await server.StopAndAssertOneClosePerConnectionAsync();
    }

    [Test]
    public async Task HandlerException_InOnMessage_RaisedOnOnError_ConnectionStaysOpenAndEchoes()
    {
        var boom = new InvalidOperationException("handler failed");
        await using var server = await RecordingServer.StartAsync(wire: s => s.OnMessage += (c, m) =>
        {
            if (m.Text == "throw")
            {
                throw boom;
            }

            RecordingServer.Echo(c, m);
        });
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        await client.SendAsync(ClientFrame.Text("throw"));
        var (errorConnection, error) = await server.NextErrorAsync();

        Assert.That(error, Is.SameAs(boom));
        Assert.That(errorConnection?.Id, Is.EqualTo(connection.Id));
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
        await client.SendAsync(ClientFrame.Text("still here"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("still here"));
        Assert.That(server.AllCloses, Is.Empty);
    }

    [Test]
    public async Task HandlerException_InOnConnectAndOnClose_ReportedAndServerGoesOn()
    {
        await using var server = await RecordingServer.StartEchoAsync(wire: s =>
        {
            s.OnConnect += _ => throw new InvalidOperationException("connect handler");
            s.OnClose += (_, _) => throw new InvalidOperationException("close handler");
        });
        await using (var client = await RawClient.OpenAsync(server.Port))
        {
            Assert.That((await server.NextErrorAsync()).Error.Message, Is.EqualTo("connect handler"));
            await client.SendAsync(ClientFrame.Text("echo"));
            Assert.That(await client.ReadTextAsync(), Is.EqualTo("echo"));
            await client.SendAsync(ClientFrame.Close(1000));
            Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1000));
            await client.AssertServerClosedAsync(RawClient.Timeout);
        }

        Assert.That((await server.NextErrorAsync()).Error.Message, Is.EqualTo("close handler"));
        await server.StopAndAssertOneClosePerConnectionAsync();
    }

    [Test]
    public async Task Abort_FromOnMessage_ExactlyOneOnCloseWithAborted_AndTcpDropped()
    {
        var events = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var server = await RecordingServer.StartAsync(wire: s =>
        {
            s.OnMessage += (c, m) =>
            {
                events.Enqueue("message " + m.Text);
                if (m.Text == "abort")
                {
                    c.Abort();
                    c.Abort();
                }
            };
            s.OnClose += (_, _) => events.Enqueue("close");
        });
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        // Frames after the abort in the same write must not be delivered or answered.
        await client.SendAsync(ClientFrame.Concat(ClientFrame.Text("abort"), ClientFrame.Ping("p"u8), ClientFrame.Text("after")));

        await client.AssertServerClosedAsync(RawClient.Timeout, "Abort must drop TCP");
        var info = await server.CloseOfAsync(connection);
        Assert.That(info.Cause, Is.EqualTo(WsCloseCause.Aborted));
        Assert.That(info.Code, Is.EqualTo(1006));
        Assert.That(connection.Send("after abort"), Is.False);
        await server.StopAndAssertOneClosePerConnectionAsync();
        // A message already read may still be delivered, but never after OnClose.
        Assert.That(events.First(), Is.EqualTo("message abort"));
        Assert.That(events.Last(), Is.EqualTo("close"));
        Assert.That(events.Count(e => e == "close"), Is.EqualTo(1));
    }

    [Test]
    public async Task Abort_FromAnotherThreadWhileIdle_ExactlyOneOnCloseWithAborted()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        await Task.Run(connection.Abort);

        await client.AssertServerClosedAsync(RawClient.Timeout, "Abort must drop TCP");
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.Aborted));
        await server.AssertStillServesAsync();
        await server.StopAndAssertOneClosePerConnectionAsync();
    }
}
