using System.Threading;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Robustness;

/// <summary>A client that never reads must not make the server's memory grow: the send queue is bounded.</summary>
public class SlowClientTests
{
    private const int Limit = 256 * 1024;
    private const int MessageSize = 64 * 1024;

    [Test]
    public async Task SlowClient_NeverReads_ClosedAsSlowConsumer_AndQueueStaysBounded()
    {
        int maxQueued = 0, sent = 0;
        var pusherDone = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RecordingServer.StartAsync(
            o =>
            {
                o.MaxSendQueueBytes = Limit;
                o.CloseTimeout = TimeSpan.FromSeconds(1);
            },
            s => s.OnConnect += c => _ = Task.Run(async () =>
            {
                try
                {
                    var internals = c.Transport();
                    var message = new byte[MessageSize];
                    // Pushes until the server refuses: the queue is full or the connection closing.
                    while (c.Send(message))
                    {
                        sent++;
                        maxQueued = Math.Max(maxQueued, internals.QueuedBytes);
                    }

                    maxQueued = Math.Max(maxQueued, internals.QueuedBytes);
                    pusherDone.TrySetResult(true);
                }
                catch (Exception ex)
                {
                    pusherDone.TrySetException(ex);
                }
            }));

        // A small receive window and no reads: the server's writes soon stop completing.
        await using var client = await RawClient.OpenAsync(server.Port, s => s.ReceiveBufferSize = 4096);
        var connection = await server.NextConnectionAsync();

        Assert.That(await Task.WhenAny(pusherDone.Task, Task.Delay(RecordingServer.Timeout)), Is.SameAs(pusherDone.Task), "SendAsync never returned false");
        await pusherDone.Task;
        var info = await server.CloseOfAsync(connection);

        TestContext.Out.WriteLine($"sent {sent} messages of {MessageSize} bytes before the limit; max queued {maxQueued}");
        Assert.That(info.Cause, Is.EqualTo(WsCloseCause.SlowConsumer));
        Assert.That(info.Code, Is.EqualTo(1008));
        Assert.That(maxQueued, Is.LessThanOrEqualTo(Limit + MessageSize + 14), "the send queue grew past its bound");
        Assert.That(server.Server.ConnectionCount, Is.Zero);
        await client.AssertServerClosedAsync(RawClient.Timeout);
        await server.StopAndAssertOneClosePerConnectionAsync();
    }

    [Test]
    public async Task SlowClient_OneMessageLargerThanQueueLimit_IsStillSentWhenQueueEmpty()
    {
        await using var server = await RecordingServer.StartAsync(o => o.MaxSendQueueBytes = 4096);
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        var big = new byte[10_000];
        new Random(1).NextBytes(big);

        Assert.That(connection.Send(big), Is.True);

        var (opcode, payload) = await client.ReadMessageAsync();
        Assert.That(opcode, Is.EqualTo(ClientFrame.OpBinary));
        Assert.That(payload, Is.EqualTo(big));
    }

    [Test]
    public async Task SlowClient_ReadingClientUnderSteadyLoad_IsNotClosed()
    {
        const int batches = 20, batch = 100;
        await using var server = await RecordingServer.StartAsync(o => o.MaxSendQueueBytes = Limit);
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        var read = new SemaphoreSlim(0);
        var reader = Task.Run(async () =>
        {
            for (int i = 0; i < batches * batch; i++)
            {
                Assert.That((await client.ReadMessageAsync()).Payload.Length, Is.EqualTo(1000));
                read.Release();
            }
        });

        // Batches of ~100 KB, each sent once the client has read the previous one: the queue
        // never nears the limit, so a client that keeps up is never cut off.
        var message = new byte[1000];
        for (int b = 0; b < batches; b++)
        {
            for (int i = 0; i < batch; i++)
            {
                Assert.That(connection.Send(message), Is.True, $"message {b * batch + i} refused");
            }

            for (int i = 0; i < batch; i++)
            {
                Assert.That(await read.WaitAsync(RawClient.Timeout), Is.True, "the client did not receive the batch");
            }
        }

        await reader.WaitAsync(RawClient.Timeout);
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
    }
}
