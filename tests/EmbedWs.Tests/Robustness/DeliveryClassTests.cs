using System.Collections.Generic;
using System.Linq;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Robustness;

/// <summary>
/// The delivery classes over real sockets (docs/sending.md): a raw client that does the
/// handshake and then stops reading, with small socket buffers on both sides so that the
/// server's queue fills soon.
/// </summary>
public class DeliveryClassTests
{
    private const int Max = 256 * 1024;
    private const int Soft = 32 * 1024;

    [Test]
    public async Task Droppable_ClientStopsReading_DroppedAndCounted_ConnectionStaysOpen()
    {
        await using var server = await StartAsync();
        using var meter = new MeterRecorder(server.Server);
        var (client, connection) = await StalledClient.OpenAsync(server);
        await using var _ = client;

        var queued = new List<int>();
        int refused = 0;
        for (int i = 0; refused < 200; i++)
        {
            Assert.That(i, Is.LessThan(100_000), "the queue never became congested");
            if (connection.Send($"{i}:{StalledClient.Pad}", WsDelivery.Droppable))
            {
                queued.Add(i);
            }
            else
            {
                refused++;
            }
        }

        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
        Assert.That(connection.IsCongested, Is.True);
        Assert.That(connection.MessagesDropped, Is.EqualTo(refused));
        Assert.That(connection.SendQueueBytes, Is.LessThanOrEqualTo(Soft + 1010), "droppable messages stop at the soft mark");
        var snapshot = server.Server.GetSnapshot();
        Assert.That(snapshot.Connections.Single().MessagesDropped, Is.EqualTo(refused));
        Assert.That(snapshot.Connections.Single().IsCongested, Is.True);
        Assert.That(snapshot.MessagesDropped, Is.EqualTo(refused));
        Assert.That(meter.Sum("embedws.messages.dropped", EmbedWsMetrics.DeliveryTag, "droppable"), Is.EqualTo(refused));

        // The client reads again: it gets exactly the messages that were queued, in order.
        foreach (int i in queued)
        {
            Assert.That(await client.ReadTextAsync(), Is.EqualTo($"{i}:{StalledClient.Pad}"));
        }

        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
    }

    // Keys as strings ("k3") and as numbers (Latest(3L), no string per send): the same behaviour.
    [TestCase(false)]
    [TestCase(true)]
    public async Task Latest_ClientStopsReading_LeavesNewestValuePerKey_ConnectionStaysOpen(bool numericKeys)
    {
        const int keys = 10;
        await using var server = await StartAsync();
        var (client, connection) = await StalledClient.OpenAsync(server);
        await using var _ = client;

        int round = 0;
        for (; connection.MessagesReplaced < 2000; round++)
        {
            Assert.That(round, Is.LessThan(100_000), "no message was ever replaced");
            for (int k = 0; k < keys; k++)
            {
                var delivery = numericKeys ? WsDelivery.Latest((long)k) : WsDelivery.Latest("k" + k);
                Assert.That(connection.Send(StalledClient.Update(k, round), delivery), Is.True, $"round {round}, key {k}");
            }
        }

        int last = round - 1;
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
        Assert.That(connection.MessagesDropped, Is.Zero);
        Assert.That(connection.SendQueueBytes, Is.LessThan(Max));

        // Every key's values arrive in order, and the last one is the newest sent: nothing more
        // than what was queued and not replaced arrives.
        var seen = new int[keys];
        Array.Fill(seen, -1);
        long expected = connection.Transport().Traffic.MessagesSent - connection.MessagesReplaced;
        for (long n = 0; n < expected; n++)
        {
            var (k, v) = StalledClient.Parse(await client.ReadTextAsync());
            Assert.That(v, Is.GreaterThan(seen[k]), $"key {k}: values out of order");
            seen[k] = v;
        }

        Assert.That(seen, Is.All.EqualTo(last), "each key's final state is the newest value");
        Assert.That(connection.Send("end"), Is.True);
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("end"), "nothing but the counted messages arrived before");
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
    }

    [Test]
    public async Task Reliable_BehindDroppableTraffic_StillClosesAtHardLimit()
    {
        await using var server = await StartAsync();
        var (client, connection) = await StalledClient.OpenAsync(server);
        await using var _ = client;
        while (connection.MessagesDropped == 0)
        {
            connection.Send(StalledClient.Pad, WsDelivery.Droppable);
        }

        int sent = 0;
        while (connection.Send(StalledClient.Pad))
        {
            Assert.That(++sent, Is.LessThan(100_000), "the reliable sends never reached the hard limit");
        }

        var close = await server.CloseOfAsync(connection);
        Assert.That(close.Cause, Is.EqualTo(WsCloseCause.SlowConsumer));
        Assert.That(close.Code, Is.EqualTo(1008));
        Assert.That(sent * 1004, Is.GreaterThan(Max - Soft - 2000), "the reliable ones filled the queue up to the hard limit");
    }

    [Test]
    public async Task GroupSendLatest_OneMemberStopsReading_BothEndWithNewestValue()
    {
        const int keys = 4;
        await using var server = await StartAsync();
        var (slow, slowConnection) = await StalledClient.OpenAsync(server);
        await using var _ = slow;
        await using var fast = await RawClient.OpenAsync(server.Port);
        var fastConnection = await server.NextConnectionAsync();
        server.Server.Groups.Add(slowConnection, "room");
        server.Server.Groups.Add(fastConnection, "room");

        var fastSeen = new int[keys];
        int rounds = 0;
        var fastDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            Array.Fill(fastSeen, -1);
            while (true)
            {
                string text = await fast.ReadTextAsync();
                if (text == "end")
                {
                    return;
                }

                var (k, v) = StalledClient.Parse(text);
                Assert.That(v, Is.GreaterThan(fastSeen[k]));
                fastSeen[k] = v;
            }
        });

        for (; slowConnection.MessagesReplaced < 500; rounds++)
        {
            Assert.That(rounds, Is.LessThan(100_000), "no message was ever replaced");
            for (int k = 0; k < keys; k++)
            {
                Assert.That(server.Server.Groups.Send("room", StalledClient.Update(k, rounds), WsDelivery.Latest("k" + k)), Is.EqualTo(2));
            }
        }

        server.Server.Groups.Send("room", "end");
        await reader.WaitAsync(RawClient.Timeout);
        Assert.That(fastSeen, Is.All.EqualTo(rounds - 1), "the reading member ends with the newest value of each key");

        var slowSeen = new int[keys];
        for (string text; (text = await slow.ReadTextAsync()) != "end";)
        {
            var (k, v) = StalledClient.Parse(text);
            slowSeen[k] = v;
        }

        Assert.That(slowSeen, Is.All.EqualTo(rounds - 1), "the stalled member too, once it reads");
        Assert.That(slowConnection.State, Is.EqualTo(WsConnectionState.Open));
    }

    [Test]
    public async Task WhenUncongested_ClientReadsAgain_CompletesTrue()
    {
        await using var server = await StartAsync();
        var (client, connection) = await StalledClient.OpenAsync(server);
        await using var _ = client;
        int queued = 0;
        while (connection.MessagesDropped == 0)
        {
            queued += connection.Send(StalledClient.Pad, WsDelivery.Droppable) ? 1 : 0;
        }

        var uncongested = connection.WhenUncongestedAsync().AsTask();
        Assert.That(uncongested.IsCompleted, Is.False, "still congested: the client does not read");

        var reader = Task.Run(async () =>
        {
            for (int i = 0; i < queued; i++)
            {
                await client.ReadTextAsync();
            }
        });

        Assert.That(await uncongested.WaitAsync(RawClient.Timeout), Is.True);
        Assert.That(connection.IsCongested, Is.False);
        await reader.WaitAsync(RawClient.Timeout);
    }

    [Test]
    public async Task SocketSendBufferBytes_SetOnEachAcceptedSocket_SlowReadersBacklogStaysReplaceable()
    {
        const int buffer = 8 * 1024;
        await using var server = await RecordingServer.StartAsync(o =>
        {
            o.MaxSendQueueBytes = Max;
            o.SocketSendBufferBytes = buffer;
        });
        await using var client = await RawClient.OpenAsync(server.Port, s => s.ReceiveBufferSize = 4096);
        var connection = await server.NextConnectionAsync();

        // Linux doubles what it is given (socket(7)); other systems take it as it is.
        int actual = connection.Transport().Socket!.SendBufferSize;
        Assert.That(actual, Is.InRange(buffer, 2 * buffer));

        // 1 KB states over 4 keys, far more than the kernel's buffers hold: the rest waits in the
        // queue, where each key keeps only its newest value.
        for (int round = 0; round < 300; round++)
        {
            for (int k = 0; k < 4; k++)
            {
                Assert.That(connection.Send(StalledClient.Update(k, round), WsDelivery.Latest(k)), Is.True);
            }
        }

        Assert.That(connection.MessagesReplaced, Is.GreaterThan(1000), "the backlog waited in EmbedWs's queue, where it was replaced");
        Assert.That(connection.SendQueueBytes, Is.LessThan(16 * 1024), "at most about one value per key still waits");
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
    }

    [Test]
    public void SocketSendBufferBytes_OutOfRange_Throws()
    {
        var options = new WsServerOptions();
        Assert.That(() => options.SocketSendBufferBytes = 1023, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => options.SocketSendBufferBytes = 16 * 1024 * 1024 + 1, Throws.InstanceOf<ArgumentOutOfRangeException>());
        options.SocketSendBufferBytes = null;
        Assert.That(options.SocketSendBufferBytes, Is.Null);
    }

    private static Task<RecordingServer> StartAsync() => RecordingServer.StartAsync(o =>
    {
        o.MaxSendQueueBytes = Max;
        o.SendQueueSoftLimitBytes = Soft;
    });
}
