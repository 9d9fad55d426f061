using System.Linq;
using System.Threading;
using EmbedWs.Dispatch;
using EmbedWs.Routing;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Conformance;

internal sealed record WaitRequest(int N);

internal sealed record WaitReply(int N);

// StopAsync and the handlers still running: they learn of the stop through IWsConnection.Closed,
// and a handler that ignores it cannot hold StopAsync past StopTimeout (plus a short grace).
public partial class ShutdownTests
{
    // Long enough that neither rescues a test that relies on the Closed token.
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    [TestCase(EventDispatch.ThreadPool)]
    [TestCase(EventDispatch.Inline)]
    [TestCase(EventDispatch.Queued)]
    public async Task Stop_AsyncRouteHandlerAwaitingClosed_IsCancelled_StopReturns_NoOnError(EventDispatch dispatch)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var logs = new RecordingLoggerFactory();
        await using var server = await RecordingServer.StartAsync(
            o =>
            {
                o.Dispatch = dispatch;
                o.StopTimeout = Long;
                o.LoggerFactory = logs;
            },
            s =>
            {
                s.Options.HandlerTimeout = Long;
                s.Route<WaitRequest, WaitReply>("wait", async (conn, r) =>
                {
                    entered.TrySetResult();
                    try
                    {
                        await Task.Delay(Timeout.Infinite, conn.Closed);
                    }
                    catch (OperationCanceledException ex)
                    {
                        ended.TrySetResult(ex);
                        throw;
                    }

                    ended.TrySetResult(null);
                    return new WaitReply(r.N);
                });
            });
        using var pump = dispatch == EventDispatch.Queued ? new EmbedWs.Tests.Dispatch.PumpLoop(server.Server) : null;
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        await client.SendTextAsync("{\"type\":\"wait\",\"id\":1,\"data\":{\"n\":1}}");
        await entered.Task.WaitAsync(RecordingServer.Timeout);

        var stop = server.Server.StopAsync();

        var (status, _) = await client.ReceiveCloseAsync();
        Assert.That(status, Is.EqualTo(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable));
        Assert.That(await ended.Task.WaitAsync(RecordingServer.Timeout), Is.InstanceOf<OperationCanceledException>());
        await RecordingServer.Bounded(stop, "StopAsync");
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.ServerStopping));
        Assert.That(server.HasErrors, Is.False, "a handler cancelled by the stop is not an error");
        Assert.That(logs.WithId(207), Is.Empty, "no connection should have been dropped");
        Assert.That(logs.WithId(405), Has.Length.EqualTo(1), "the cancelled handler is logged at Debug");
    }

    [TestCase(EventDispatch.ThreadPool)]
    [TestCase(EventDispatch.Inline)]
    public async Task Stop_HandlerIgnoringClosed_StopReturnsAfterStopTimeout_OnCloseWhenHandlerReturns(EventDispatch dispatch)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<WaitReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        var logs = new RecordingLoggerFactory();
        await using var server = await RecordingServer.StartAsync(
            o =>
            {
                o.Dispatch = dispatch;
                o.StopTimeout = TimeSpan.FromMilliseconds(300);
                o.LoggerFactory = logs;
            },
            s =>
            {
                s.Options.HandlerTimeout = Long;
                s.Route<WaitRequest, WaitReply>("wait", (conn, r) =>
                {
                    entered.TrySetResult();
                    return release.Task;
                });
            });
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        await client.SendAsync(ClientFrame.Text("{\"type\":\"wait\",\"id\":1,\"data\":{\"n\":1}}"));
        await entered.Task.WaitAsync(RecordingServer.Timeout);

        var stop = server.Server.StopAsync();

        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1001));
        await client.SendAsync(ClientFrame.Close(1001));
        await RecordingServer.Bounded(stop, "StopAsync with a handler that never returns");
        Assert.That(logs.WithId(209), Has.Length.EqualTo(1), "the handler left running is logged");

        // The handler returns at last: its connection's OnClose follows, exactly once.
        release.SetResult(new WaitReply(1));
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.ServerStopping));
        await Poll.UntilAsync(() => server.Server.PendingEvents == 0, "the dispatcher should drain");
        Assert.That(server.AllCloses.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Stop_CalledWhileStopping_SecondCallWaitsForTheFirst()
    {
        await using var server = await RecordingServer.StartEchoAsync(o => o.StopTimeout = TimeSpan.FromMilliseconds(300));
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        // The client never answers the close: the first stop waits StopTimeout, then drops it.
        var first = server.Server.StopAsync();
        var second = server.Server.StopAsync();
        await RecordingServer.Bounded(second, "the second StopAsync");

        Assert.That(server.Server.ConnectionCount, Is.Zero, "the second call returned before the stop was done");
        Assert.That(server.AllCloses.Select(c => c.Id), Is.EquivalentTo(new[] { connection.Id }));
        await RecordingServer.Bounded(first, "the first StopAsync");
    }
}
