using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using EmbedWs.Routing;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Robustness;

internal sealed record WorkRequest(int N);

internal sealed record WorkReply(int N);

/// <summary>
/// StopAsync while 200 clients are sending and handlers are running: every client gets 1001,
/// the handlers end through IWsConnection.Closed, nothing is dropped, and no task of the
/// library faults unobserved. NonParallelizable: TaskScheduler.UnobservedTaskException is
/// process-wide (the check also keeps only exceptions thrown from the library's own frames).
/// </summary>
[NonParallelizable]
public class StopUnderLoadTests
{
    private const int Clients = 200;

    // A stack frame of the library itself (not of these tests).
    private static readonly Regex s_libraryFrame = new(@"\bat EmbedWs\.(?!Tests\.)", RegexOptions.Compiled);

    [Test]
    public async Task Stop_200ClientsSendingWithHandlersInFlight_Each1001_NoDrops_NoErrors_NoUnobservedExceptions()
    {
        var unobserved = new ConcurrentQueue<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> record = (_, e) =>
        {
            if (s_libraryFrame.IsMatch(e.Exception.ToString()))
            {
                unobserved.Enqueue(e.Exception);
            }
        };
        TaskScheduler.UnobservedTaskException += record;
        try
        {
            await RunAsync();
            for (int i = 0; i < 2; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= record;
        }

        Assert.That(unobserved, Is.Empty, "tasks of the library faulted and nobody observed them");
    }

    private static async Task RunAsync()
    {
        var logs = new RecordingLoggerFactory();
        int slowInFlight = 0;
        await using var server = await RecordingServer.StartAsync(
            o =>
            {
                o.StopTimeout = TimeSpan.FromSeconds(60);
                o.LoggerFactory = logs;
            },
            s =>
            {
                // Binary: echoed by OnMessage. Text: a request to an async handler, quick
                // (n >= 0) or in flight until its connection closes (n < 0).
                s.OnMessage += RecordingServer.Echo;
                s.Route<WorkRequest, WorkReply>("work", async (conn, r) =>
                {
                    if (r.N < 0)
                    {
                        Interlocked.Increment(ref slowInFlight);
                    }

                    await Task.Delay(r.N < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(2), conn.Closed);
                    return new WorkReply(r.N);
                });
            });
        var clients = new RawClient[Clients];
        for (int i = 0; i < Clients; i++)
        {
            clients[i] = await RawClient.OpenAsync(server.Port);
        }

        var sending = Enumerable.Range(0, Clients).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var goSlow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loops = Enumerable.Range(0, Clients).Select(i => Task.Run(() => SendUntilClosedAsync(clients[i], i, sending[i], goSlow.Task))).ToArray();
        await Bounded(Task.WhenAll(sending.Select(s => s.Task)), TimeSpan.FromSeconds(60), "every client sending");
        goSlow.SetResult();
        await Poll.UntilAsync(() => Volatile.Read(ref slowInFlight) == SlowClients, "every slow request's handler should be running");
        var clock = Stopwatch.StartNew();

        var stop = server.Server.StopAsync();

        var codes = await Bounded(Task.WhenAll(loops), TimeSpan.FromSeconds(90), "every client's close");
        await Bounded(stop, TimeSpan.FromSeconds(90), "StopAsync");
        TestContext.Out.WriteLine($"StopAsync with {Clients} busy clients: {clock.ElapsedMilliseconds} ms");
        Assert.That(codes, Is.All.EqualTo((ushort)1001), "every client must get close 1001");
        Assert.That(logs.WithId(207), Is.Empty, "no client should have been dropped: all closed within StopTimeout");
        Assert.That(logs.WithId(209), Is.Empty, "no handler should be left running");
        Assert.That(server.HasErrors, Is.False, "cancelled handlers are not errors");
        Assert.That(server.AllCloses.Count, Is.EqualTo(Clients));
        Assert.That(server.AllCloses.Select(c => c.Close.Cause), Is.All.EqualTo(WsCloseCause.ServerStopping));
        Assert.That(server.Server.ConnectionCount, Is.Zero);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    // One client in four ends with a request whose handler runs until the stop.
    private const int SlowClients = Clients / 4;

    // Sends a message (a binary echo or a quick request), reads its answer, again and again,
    // until the answer is the server's close frame; answers that close and waits for the server
    // to end TCP. Returns the close code. Once goSlow is set, a slow client sends its slow request
    // and a binary message behind it, so that its connection has work in flight and queued.
    private static async Task<ushort> SendUntilClosedAsync(RawClient client, int index, TaskCompletionSource sending, Task goSlow)
    {
        bool slow = index % (Clients / SlowClients) == 0;
        for (int n = index; ; n += Clients)
        {
            if (slow && goSlow.IsCompleted)
            {
                await client.SendAsync(ClientFrame.Text("{\"type\":\"work\",\"id\":-1,\"data\":{\"n\":-1}}"));
                await client.SendAsync(ClientFrame.Binary(BitConverter.GetBytes(n)));
                slow = false;
            }
            else
            {
                await client.SendAsync(n % 2 == 0
                    ? ClientFrame.Text($"{{\"type\":\"work\",\"id\":{n},\"data\":{{\"n\":{n}}}}}")
                    : ClientFrame.Binary(BitConverter.GetBytes(n)));
            }

            var frame = await client.ReadFrameAsync();
            if (frame.Opcode == ClientFrame.OpClose)
            {
                ushort code = BinaryPrimitives.ReadUInt16BigEndian(frame.Payload);
                await client.SendAsync(ClientFrame.Close(code));
                await client.AssertServerClosedAsync(RawClient.Timeout);
                return code;
            }

            sending.TrySetResult();
        }
    }

    private static async Task<T> Bounded<T>(Task<T> task, TimeSpan within, string what)
    {
        await Bounded((Task)task, within, what);
        return await task;
    }

    private static async Task Bounded(Task task, TimeSpan within, string what)
    {
        Assert.That(await Task.WhenAny(task, Task.Delay(within)), Is.SameAs(task), $"{what} did not happen within {within.TotalSeconds} s");
        await task;
    }
}
