using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using EmbedWs.Dispatch;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Dispatch;

/// <summary>ThreadPool and Inline dispatch (DESIGN §4, §7): order per connection, isolation, bounded inbound queue.</summary>
public class ThreadPoolDispatchTests
{
    private static readonly TimeSpan Timeout = TestServer.Timeout;

    [Test]
    public async Task ThreadPool_1000Messages_HandledInArrivalOrder()
    {
        var got = new List<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(o => o.Dispatch = EventDispatch.ThreadPool, s => s.OnMessage += (c, m) =>
        {
            // One handler at a time per connection: no lock needed, and none taken.
            got.Add(m.Text);
            if (got.Count == 1000)
            {
                all.TrySetResult();
            }
        });
        using var client = await JsonClient.ConnectAsync(server.Port);

        for (int i = 0; i < 1000; i++)
        {
            await client.SendTextAsync(i.ToString());
        }

        await all.Task.WaitAsync(Timeout);
        Assert.That(got, Is.EqualTo(Enumerable.Range(0, 1000).Select(i => i.ToString())));
    }

    [Test]
    public async Task ThreadPool_HandlerBlockedOnOneConnection_OtherConnectionStillServed()
    {
        using var gate = new ManualResetEventSlim(false);
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(o => o.Dispatch = EventDispatch.ThreadPool, s => s.OnMessage += (c, m) =>
        {
            if (m.Text == "block")
            {
                blocked.TrySetResult();
                gate.Wait(Timeout);
            }

            c.Send(m.Text);
        });
        using var slow = await JsonClient.ConnectAsync(server.Port);
        using var fast = await JsonClient.ConnectAsync(server.Port);

        await slow.SendTextAsync("block");
        await slow.SendTextAsync("queued behind");
        await blocked.Task.WaitAsync(Timeout);
        try
        {
            for (int i = 0; i < 3; i++)
            {
                await fast.SendTextAsync("fast " + i);
                Assert.That(await fast.ReceiveTextAsync(), Is.EqualTo("fast " + i));
            }
        }
        finally
        {
            gate.Set();
        }

        Assert.That(await slow.ReceiveTextAsync(), Is.EqualTo("block"));
        Assert.That(await slow.ReceiveTextAsync(), Is.EqualTo("queued behind"));
    }

    [Test]
    public async Task Inline_Echo_Works()
    {
        await using var server = await TestServer.StartEchoAsync(o => o.Dispatch = EventDispatch.Inline);
        using var client = await JsonClient.ConnectAsync(server.Port);

        for (int i = 0; i < 10; i++)
        {
            await client.SendTextAsync("inline " + i);
            Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("inline " + i));
        }

        Assert.That(server.Server.PendingEvents, Is.Zero);
    }

    [Test]
    public async Task ThreadPool_HandlerBlockedWhileClientFloods_InboundQueueStaysBoundedAndNothingIsLost()
    {
        const int Limit = 64 * 1024, Size = 16 * 1024, Count = 200;
        using var gate = new ManualResetEventSlim(false);
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var got = new List<byte[]>();
        await using var server = await TestServer.StartAsync(
            o =>
            {
                o.Dispatch = EventDispatch.ThreadPool;
                o.MaxInboundQueueBytes = Limit;
            },
            s => s.OnMessage += (c, m) =>
            {
                blocked.TrySetResult();
                gate.Wait(Timeout);
                got.Add(m.ToArray());
                if (got.Count == Count)
                {
                    all.TrySetResult();
                }
            });
        using var client = await JsonClient.ConnectAsync(server.Port);

        // 3.2 MB: on loopback the kernel buffers may take all of it, and then every byte is
        // there for the server to read; it must read only as far as the inbound limit allows.
        var flood = Task.Run(async () =>
        {
            for (int i = 0; i < Count; i++)
            {
                await client.SendBinaryAsync(Message(i, Size));
            }
        });
        try
        {
            await blocked.Task.WaitAsync(Timeout);
            await Poll.UntilAsync(() => server.Server.PendingEvents >= Limit / Size, "the inbound queue should fill up to its limit");
            await Task.WhenAny(flood, Task.Delay(TimeSpan.FromSeconds(2)));

            // While the handler stays blocked, watch the queue: it must not grow past the limit.
            int max = 0;
            var watch = Stopwatch.StartNew();
            while (watch.ElapsedMilliseconds < 200)
            {
                max = Math.Max(max, server.Server.PendingEvents);
                await Task.Delay(5);
            }

            Assert.That(max, Is.LessThanOrEqualTo(Limit / Size + 2), "events waiting while the handler is blocked");
        }
        finally
        {
            gate.Set();
        }

        await all.Task.WaitAsync(Timeout);
        await flood.WaitAsync(Timeout);
        for (int i = 0; i < Count; i++)
        {
            Assert.That(got[i], Is.EqualTo(Message(i, Size)), $"message {i}");
        }
    }

    private static byte[] Message(int index, int size)
    {
        var data = new byte[size];
        BitConverter.TryWriteBytes(data, index);
        data[size - 1] = (byte)index;
        return data;
    }
}
