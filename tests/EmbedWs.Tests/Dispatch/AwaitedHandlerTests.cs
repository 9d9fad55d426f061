using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Dispatch;

/// <summary>
/// Handlers may be synchronous or asynchronous; asynchronous ones are awaited, and per
/// connection the next event waits for the previous handler, in every dispatch mode (DESIGN §7).
/// </summary>
public class AwaitedHandlerTests
{
    private static readonly EventDispatch[] s_modes = { EventDispatch.Inline, EventDispatch.ThreadPool, EventDispatch.Queued };

    [TestCaseSource(nameof(s_modes))]
    public async Task AsyncHandlers_AreAwaited_OneAtATimeInOrder_ConnectFirstCloseLast(EventDispatch mode)
    {
        const int Count = 20;
        var events = new ConcurrentQueue<string>();
        int running = 0, overlaps = 0;
        await using var server = await RecordingServer.StartAsync(o => o.Dispatch = mode, s =>
        {
            s.OnConnect += async c =>
            {
                Enter(ref running, ref overlaps);
                await Task.Delay(50);
                events.Enqueue("connect");
                Interlocked.Decrement(ref running);
            };
            s.OnMessage += async (c, m) =>
            {
                Enter(ref running, ref overlaps);
                string text = m.Text;   // the payload is valid until the handler's task completes
                events.Enqueue("start " + text);
                await Task.Delay(int.Parse(text) % 3);
                await Task.Yield();
                events.Enqueue("end " + text);
                Interlocked.Decrement(ref running);
            };
            s.OnClose += async (c, close) =>
            {
                Enter(ref running, ref overlaps);
                await Task.Yield();
                events.Enqueue("close");
                Interlocked.Decrement(ref running);
            };
        });
        using var pump = mode == EventDispatch.Queued ? new PumpLoop(server.Server) : null;
        var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        for (int i = 0; i < Count; i++)
        {
            await client.SendTextAsync(i.ToString());
        }

        await client.CloseAsync();
        client.Dispose();
        await server.CloseOfAsync(connection);
        await Poll.UntilAsync(() => events.Contains("close"), "the async OnClose should finish");

        var expected = new[] { "connect" }
            .Concat(Enumerable.Range(0, Count).SelectMany(i => new[] { "start " + i, "end " + i }))
            .Append("close");
        Assert.That(events, Is.EqualTo(expected));
        Assert.That(overlaps, Is.Zero, "two handlers of one connection ran at the same time");
    }

    [TestCaseSource(nameof(s_modes))]
    public async Task SyncAndAsyncHandlers_RunInTheOrderAdded_EachAwaitedBeforeTheNext(EventDispatch mode)
    {
        var events = new ConcurrentQueue<string>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RecordingServer.StartAsync(o => o.Dispatch = mode, s =>
        {
            s.OnMessage += async (c, m) =>
            {
                events.Enqueue("async " + m.Text);
                await release.Task;
                events.Enqueue("async done");
            };
            s.OnMessage += (c, m) => events.Enqueue("sync " + (m.IsText ? "(payload still valid)" : "?"));
        });
        using var pump = mode == EventDispatch.Queued ? new PumpLoop(server.Server) : null;
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("a");
        await Poll.UntilAsync(() => events.Count == 1, "the first handler should start");
        Assert.That(events, Is.EqualTo(new[] { "async a" }), "the second handler waits for the first");

        release.SetResult();
        await Poll.UntilAsync(() => events.Count == 3, "both handlers should finish");
        Assert.That(events, Is.EqualTo(new[] { "async a", "async done", "sync (payload still valid)" }));
    }

    [TestCaseSource(nameof(s_modes))]
    public async Task AsyncHandlerThrows_ReportedOnOnError_TheNextHandlerAndMessageGoOn(EventDispatch mode)
    {
        var handled = new ConcurrentQueue<string>();
        await using var server = await RecordingServer.StartAsync(o => o.Dispatch = mode, s =>
        {
            s.OnMessage += async (c, m) =>
            {
                await Task.Yield();
                if (m.Text == "boom")
                {
                    throw new InvalidOperationException("async handler failed");
                }
            };
            s.OnMessage += (c, m) =>
            {
                handled.Enqueue(m.Text);
                c.Send(m.Text);
            };
        });
        using var pump = mode == EventDispatch.Queued ? new PumpLoop(server.Server) : null;
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        await client.SendTextAsync("boom");
        await client.SendTextAsync("next");

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("boom"), "the second handler still ran for the message");
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("next"));
        var (errorConnection, error) = await server.NextErrorAsync();
        Assert.That(errorConnection, Is.SameAs(connection));
        Assert.That(error.Message, Is.EqualTo("async handler failed"));
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
    }

    [TestCaseSource(nameof(s_modes))]
    public async Task HandlerPastHandlerTimeout_ClosesWith1011_TheNextMessageNeverOvertakesIt(EventDispatch mode)
    {
        var handled = new ConcurrentQueue<string>();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RecordingServer.StartAsync(
            o =>
            {
                o.Dispatch = mode;
                o.HandlerTimeout = TimeSpan.FromMilliseconds(200);
            },
            s => s.OnMessage += async (c, m) =>
            {
                handled.Enqueue(m.Text);
                if (m.Text == "hang")
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, c.Closed);
                    }
                    catch (OperationCanceledException)
                    {
                        handled.Enqueue("hang cancelled");
                        cancelled.TrySetResult();
                    }
                }
            });
        using var pump = mode == EventDispatch.Queued ? new PumpLoop(server.Server) : null;
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        await client.SendTextAsync("hang");
        await client.SendTextAsync("after");

        var (status, reason) = await client.ReceiveCloseAsync();
        Assert.That(status, Is.EqualTo(System.Net.WebSockets.WebSocketCloseStatus.InternalServerError));
        Assert.That(reason, Is.EqualTo("handler timeout"));
        await cancelled.Task.WaitAsync(RecordingServer.Timeout);
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.HandlerTimeout));
        // Inline: "after" arrived behind the close and is dropped. ThreadPool and Queued had read it
        // into the mailbox before the close: it runs, but only once the hanging handler ended.
        var expected = mode == EventDispatch.Inline ? new[] { "hang", "hang cancelled" } : new[] { "hang", "hang cancelled", "after" };
        await Poll.UntilAsync(() => handled.Count == expected.Length, "the handlers should end");
        Assert.That(handled, Is.EqualTo(expected), "the message behind the hanging handler never overtakes it");
    }

    [Test]
    public async Task HandlerTimeoutInfinite_SlowHandler_NeverClosed()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RecordingServer.StartAsync(
            o =>
            {
                o.TimeProvider = time;
                o.HandlerTimeout = Timeout.InfiniteTimeSpan;
                o.Heartbeat = HeartbeatPolicy.None;
            },
            s => s.OnMessage += async (c, m) =>
            {
                await release.Task;
                c.Send("done");
            });
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        await client.SendTextAsync("slow");
        time.Advance(TimeSpan.FromHours(1));
        release.SetResult();

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("done"));
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
    }

    [Test]
    public async Task ExpressionLambdaReturningATask_IsAwaited()
    {
        var events = new ConcurrentQueue<string>();
        await using var server = await RecordingServer.StartAsync(wire: s =>
        {
            s.OnMessage += (c, m) => Later(events, "first " + m.Text);
            s.OnMessage += (c, m) => events.Enqueue("second " + m.Text);
        });
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync("x");

        await Poll.UntilAsync(() => events.Count == 2, "both handlers should run");
        Assert.That(events, Is.EqualTo(new[] { "first x", "second x" }));
    }

    [Test]
    public async Task RemovedHandler_IsNoLongerCalled()
    {
        var events = new ConcurrentQueue<string>();
        Action<IWsConnection, WsMessage> first = (c, m) => events.Enqueue("first " + m.Text);
        Func<IWsConnection, WsMessage, Task> second = async (c, m) =>
        {
            await Task.Yield();
            events.Enqueue("second " + m.Text);
            c.Send(m.Text);
        };
        await using var server = await RecordingServer.StartAsync(wire: s =>
        {
            s.OnMessage += first;
            s.OnMessage += second;
        });
        using var client = await JsonClient.ConnectAsync(server.Port);
        await client.SendTextAsync("a");
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("a"));

        server.Server.OnMessage -= first;
        await client.SendTextAsync("b");
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("b"));

        Assert.That(events, Is.EqualTo(new[] { "first a", "second a", "second b" }));
    }

    [Test]
    public void HandlerList_CannotBeReplaced()
    {
        var one = new WsServer(new WsServerOptions());
        var other = new WsServer(new WsServerOptions());

        var error = Assert.Throws<InvalidOperationException>(() => one.OnMessage = other.OnMessage);
        Assert.That(error!.Message, Does.Contain("+="));
    }

    private static async Task Later(ConcurrentQueue<string> events, string text)
    {
        await Task.Delay(20);
        events.Enqueue(text);
    }

    private static void Enter(ref int running, ref int overlaps)
    {
        if (Interlocked.Increment(ref running) > 1)
        {
            Interlocked.Increment(ref overlaps);
        }
    }
}
