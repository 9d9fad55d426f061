using System.Linq;
using System.Threading;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Tests.Robustness;

/// <summary>
/// User code that throws where the transport calls it (the HTTP fallback handler, the accept
/// hook, OnError itself): the fault is logged with its event id and raised on OnError, the
/// client gets a plain answer without the exception text, and the server goes on.
/// Handler faults in OnConnect/OnMessage/OnClose are in ConnectionFailureTests, routing's in
/// Routing/, the heartbeat policy's in Heartbeat/HeartbeatDriverTests.
/// </summary>
public class ContainedFaultTests
{
    private const int HandlerFailedId = 205;
    private const int ErrorHandlerFailedId = 206;

    [TestCase(false)]
    [TestCase(true)]
    public async Task HttpHandler_Throws_Gets500WithoutTheText_LoggedAndOnError_ServerGoesOn(bool async)
    {
        var boom = new InvalidOperationException("page renderer failed");
        var logs = new RecordingLoggerFactory();
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.LoggerFactory = logs;
            o.HttpHandler = async info =>
            {
                if (async)
                {
                    await Task.Yield();
                }

                throw boom;
            };
        });
        await using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendAsync($"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\n\r\n");
        var head = await client.ReadHeadAsync();

        Assert.That(head.Status, Is.EqualTo(500), head.Raw);
        Assert.That(await client.ReadBodyAsync(head), Does.Not.Contain("page renderer failed"), "exception text leaked to the client");
        var (connection, error) = await server.NextErrorAsync();
        Assert.That(error, Is.SameAs(boom));
        Assert.That(connection, Is.Null);
        Assert.That(logs.WithId(HandlerFailedId).Single().Exception, Is.SameAs(boom));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        await server.AssertStillServesAsync();
    }

    [Test]
    public async Task OnError_ThrowsForAHandlerFault_IsLogged_ConnectionAndServerGoOn()
    {
        var logs = new RecordingLoggerFactory();
        await using var server = await RecordingServer.StartAsync(
            o => o.LoggerFactory = logs,
            s =>
            {
                s.OnMessage += (c, m) =>
                {
                    if (m.Text == "throw")
                    {
                        throw new InvalidOperationException("handler failed");
                    }

                    RecordingServer.Echo(c, m);
                };
                s.OnError += (_, _) => throw new InvalidOperationException("error handler failed");
            });
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        await client.SendAsync(ClientFrame.Text("throw"));

        Assert.That((await server.NextErrorAsync()).Error.Message, Is.EqualTo("handler failed"));
        await Poll.UntilAsync(() => logs.WithId(ErrorHandlerFailedId).Count == 1, "the OnError failure should be logged");
        Assert.That(logs.WithId(ErrorHandlerFailedId).Single().Exception!.Message, Is.EqualTo("error handler failed"));
        Assert.That(logs.WithId(HandlerFailedId).Single().Level, Is.EqualTo(LogLevel.Error));
        await client.SendAsync(ClientFrame.Text("still here"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("still here"));
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
    }

    [Test]
    public async Task OnError_ThrowsForAnAcceptHookFault_ClientGets500_ServerGoesOn()
    {
        var logs = new RecordingLoggerFactory();
        int calls = 0;
        await using var server = await RecordingServer.StartEchoAsync(
            o =>
            {
                o.LoggerFactory = logs;
                o.AcceptHandler = _ => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("accept hook failed") : default(ValueTask);
            },
            s => s.OnError += (_, _) => throw new InvalidOperationException("error handler failed"));
        await using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendAsync(new RawRequest(server.Port).ToBytes());
        var head = await client.ReadHeadAsync();

        Assert.That(head.Status, Is.EqualTo(500), head.Raw);
        Assert.That((await server.NextErrorAsync()).Error.Message, Is.EqualTo("accept hook failed"));
        await Poll.UntilAsync(() => logs.WithId(ErrorHandlerFailedId).Count == 1, "the OnError failure should be logged");
        await server.AssertStillServesAsync();
    }
}
