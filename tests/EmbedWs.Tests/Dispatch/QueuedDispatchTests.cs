using System.Collections.Generic;
using System.Linq;
using EmbedWs.Dispatch;
using EmbedWs.Routing;
using EmbedWs.Tests.Routing;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Dispatch;

/// <summary>Queued dispatch (DESIGN §7): handlers run only inside PumpEvents, on the pumping thread, in order.</summary>
public class QueuedDispatchTests
{
    [Test]
    public async Task Queued_EventsBeforePump_RunOnlyInsidePumpEventsOnPumpingThreadInOrder()
    {
        var log = new List<(string Event, int Thread)>();
        void Record(string e)
        {
            lock (log)
            {
                log.Add((e, Environment.CurrentManagedThreadId));
            }
        }

        await using var server = await TestServer.StartAsync(o => o.Dispatch = EventDispatch.Queued, s =>
        {
            s.OnConnect += c => Record("connect");
            s.OnMessage += (c, m) => Record("message " + m.Text);
            s.OnClose += (c, close) => Record("close " + close.Code);
        });
        var client = await JsonClient.ConnectAsync(server.Port);
        foreach (var text in new[] { "a", "b", "c" })
        {
            await client.SendTextAsync(text);
        }

        await Poll.UntilAsync(() => server.Server.PendingEvents == 4, "connect and three messages should be waiting");
        lock (log)
        {
            Assert.That(log, Is.Empty, "no handler may run before PumpEvents");
        }

        int pumpThread = Environment.CurrentManagedThreadId;
        server.Server.PumpEvents();
        lock (log)
        {
            Assert.That(log.Select(e => e.Event), Is.EqualTo(new[] { "connect", "message a", "message b", "message c" }));
            Assert.That(log.Select(e => e.Thread), Is.All.EqualTo(pumpThread));
        }

        await client.CloseAsync();
        client.Dispose();
        await Poll.UntilAsync(() => server.Server.PendingEvents == 1, "the close event should be waiting");
        Assert.That(log, Has.Count.EqualTo(4), "OnClose may not run before PumpEvents");
        pumpThread = Environment.CurrentManagedThreadId;
        Assert.That(server.Server.PumpEvents(), Is.GreaterThanOrEqualTo(1));
        Assert.That(log.Last(), Is.EqualTo(("close 1000", pumpThread)));
        Assert.That(server.Server.PendingEvents, Is.Zero);
    }

    [Test]
    public async Task Queued_PumpEventsWithMax_RunsAtMostThatManyEvents()
    {
        var messages = new List<string>();
        await using var server = await TestServer.StartAsync(o => o.Dispatch = EventDispatch.Queued, s => s.OnMessage += (c, m) => messages.Add(m.Text));
        using var client = await JsonClient.ConnectAsync(server.Port);
        for (int i = 0; i < 5; i++)
        {
            await client.SendTextAsync(i.ToString());
        }

        await Poll.UntilAsync(() => server.Server.PendingEvents == 6, "connect and five messages should be waiting");
        server.Server.PumpEvents(2);

        Assert.That(messages, Is.EqualTo(new[] { "0" }), "two events: the connect and the first message");
        Assert.That(server.Server.PendingEvents, Is.EqualTo(4));
        while (server.Server.PumpEvents(1) > 0)
        {
        }

        Assert.That(messages, Is.EqualTo(new[] { "0", "1", "2", "3", "4" }));
    }

    [Test]
    public async Task Queued_AsyncRouteHandler_ContinuesOnPumpingThread()
    {
        var threads = new List<int>();
        await using var server = await TestServer.StartAsync(o => o.Dispatch = EventDispatch.Queued, s =>
        {
            s.OnConnect += c => threads.Add(Environment.CurrentManagedThreadId);
            s.Route<AddRequest, AddReply>("math.add", async (c, r) =>
            {
                threads.Add(Environment.CurrentManagedThreadId);
                await Task.Yield();
                threads.Add(Environment.CurrentManagedThreadId);
                await Task.Delay(10);
                threads.Add(Environment.CurrentManagedThreadId);
                return new AddReply(r.A + r.B);
            });
        });
        using var loop = new PumpLoop(server.Server);
        using var client = await JsonClient.ConnectAsync(server.Port);

        await client.SendTextAsync(RoutingFixture.Add(1, 2, 3));

        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo(RoutingFixture.AddReplyText(1, 5)));
        Assert.That(threads, Has.Count.EqualTo(4));
        Assert.That(threads, Is.All.EqualTo(loop.ThreadId), "every handler and continuation runs on the pumping thread");
    }

    [Test]
    public async Task Queued_200MessagesWithPumpLoop_HandledInOrder()
    {
        var got = new List<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(o => o.Dispatch = EventDispatch.Queued, s => s.OnMessage += (c, m) =>
        {
            got.Add(m.Text);
            if (got.Count == 200)
            {
                all.TrySetResult();
            }
        });
        using var loop = new PumpLoop(server.Server);
        using var client = await JsonClient.ConnectAsync(server.Port);

        for (int i = 0; i < 200; i++)
        {
            await client.SendTextAsync(i.ToString());
        }

        await all.Task.WaitAsync(TestServer.Timeout);
        Assert.That(got, Is.EqualTo(Enumerable.Range(0, 200).Select(i => i.ToString())));
    }

    [Test]
    public async Task PumpEvents_ThreadPoolServer_ThrowsInvalidOperationException()
    {
        await using var server = await TestServer.StartAsync(o => o.Dispatch = EventDispatch.ThreadPool);

        Assert.Throws<InvalidOperationException>(() => server.Server.PumpEvents());
    }

    [Test]
    public void PumpEvents_BeforeStart_ThrowsInvalidOperationException()
    {
        var server = new WsServer(new WsServerOptions { Dispatch = EventDispatch.Queued });

        Assert.Throws<InvalidOperationException>(() => server.PumpEvents());
    }

    [Test]
    public async Task PumpEvents_CalledFromAHandler_ThrowsInvalidOperationException()
    {
        Exception? thrown = null;
        WsServer? self = null;
        await using var server = await TestServer.StartAsync(o => o.Dispatch = EventDispatch.Queued, s =>
        {
            self = s;
            s.OnConnect += c => thrown = Assert.Catch(() => self!.PumpEvents());
        });
        using var client = await JsonClient.ConnectAsync(server.Port);
        await Poll.UntilAsync(() => server.Server.PendingEvents == 1, "the connect event should be waiting");

        server.Server.PumpEvents();

        Assert.That(thrown, Is.TypeOf<InvalidOperationException>());
    }

    [Test]
    public async Task Queued_NotPumped_WaitingEventsBoundedByMaxQueuedEventsAndNoneLost()
    {
        const int Max = 16, Count = 100;
        var got = new List<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(
            o =>
            {
                o.Dispatch = EventDispatch.Queued;
                o.MaxQueuedEvents = Max;
            },
            s => s.OnMessage += (c, m) =>
            {
                got.Add(m.Text);
                if (got.Count == Count)
                {
                    all.TrySetResult();
                }
            });
        using var client = await JsonClient.ConnectAsync(server.Port);

        // Small messages: the kernel takes them all, so the server could read every one.
        for (int i = 0; i < Count; i++)
        {
            await client.SendTextAsync(i.ToString());
        }

        await Poll.UntilAsync(() => server.Server.PendingEvents >= Max, "the queue should fill up to MaxQueuedEvents");
        int max = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.ElapsedMilliseconds < 100)
        {
            max = Math.Max(max, server.Server.PendingEvents);
            await Task.Delay(5);
        }

        Assert.That(max, Is.LessThanOrEqualTo(Max + 1), "events waiting for PumpEvents");
        using (new PumpLoop(server.Server))
        {
            await all.Task.WaitAsync(TestServer.Timeout);
        }

        Assert.That(got, Is.EqualTo(Enumerable.Range(0, Count).Select(i => i.ToString())));
    }
}
