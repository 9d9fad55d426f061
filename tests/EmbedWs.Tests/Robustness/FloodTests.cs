using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using EmbedWs.Dispatch;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;
using Microsoft.Extensions.Logging;
using HB = EmbedWs.HeartbeatPolicy;

namespace EmbedWs.Tests.Robustness;

/// <summary>
/// Clients that send too much of something: fragments, pings, messages faster than handlers
/// run, and a client that never reads. Each test runs a good client beside the attack.
/// </summary>
public class FloodTests
{
    private const int ProtocolErrorEvent = 110;
    private const int SlowConsumerEvent = 111;
    private const int PingsCoalescedEvent = 115;

    [Test]
    public async Task Fragments_EndlessEmptyContinuations_Closed1008TooManyFragmentsAndLogged_GoodClientKeepsEchoing()
    {
        var logs = new RecordingLoggerFactory();
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.MaxFragmentsPerMessage = 10;
            o.LoggerFactory = logs;
        });
        await using var good = await GoodClient.OpenAsync(server.Port);
        await server.NextConnectionAsync();
        await using var attacker = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        var attack = Task.Run(async () =>
        {
            var frames = new List<byte[]> { ClientFrame.Text("", fin: false) };
            for (int i = 0; i < 1000; i++)
            {
                frames.Add(ClientFrame.Continuation(Array.Empty<byte>(), fin: false));
            }

            await attacker.SendAsync(ClientFrame.Concat(frames.ToArray()));
            var close = await attacker.ReadCloseAsync();
            Assert.That((close.Code, close.Reason), Is.EqualTo(((ushort)1008, "too_many_fragments")));
            await attacker.AssertServerClosedAsync(RawClient.Timeout);
        });

        await good.EchoWhileAsync(attack);
        var info = await server.CloseOfAsync(connection);
        Assert.That(info.Code, Is.EqualTo(1008));
        Assert.That(info.Cause, Is.EqualTo(WsCloseCause.PolicyViolation));
        Assert.That((await logs.WaitForAsync(ProtocolErrorEvent)).Message, Does.Contain("too_many_fragments").And.Contain("1008"));
    }

    [Test]
    public async Task Fragments_MessageInExactlyMaxFragments_IsEchoed()
    {
        await using var server = await RecordingServer.StartEchoAsync(o => o.MaxFragmentsPerMessage = 10);
        await using var client = await RawClient.OpenAsync(server.Port);
        var frames = new byte[10][];
        frames[0] = ClientFrame.Text("0", fin: false);
        for (int i = 1; i < 10; i++)
        {
            frames[i] = ClientFrame.Continuation(i.ToString(), fin: i == 9);
        }

        await client.SendAsync(ClientFrame.Concat(frames));

        Assert.That(await client.ReadTextAsync(), Is.EqualTo("0123456789"));
    }

    [Test]
    public async Task PingFlood_ThousandsOfPingsInOneWrite_FewPongsTheLastForTheLatestPing_LoggedOnce()
    {
        const int Pings = 2000;
        var logs = new RecordingLoggerFactory();
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.Heartbeat = HB.None;
            o.LoggerFactory = logs;
        });
        await using var good = await GoodClient.OpenAsync(server.Port);
        await using var attacker = await RawClient.OpenAsync(server.Port);
        int pongs = 0;
        byte[]? lastPong = null;

        var attack = Task.Run(async () =>
        {
            var frames = Enumerable.Range(0, Pings).Select(i => ClientFrame.Ping(BitConverter.GetBytes(i))).Append(ClientFrame.Text("after the pings"));
            await attacker.SendAsync(ClientFrame.Concat(frames.ToArray()));
            while (true)
            {
                var frame = await attacker.ReadFrameAsync();
                if (frame.Opcode == ClientFrame.OpPong)
                {
                    pongs++;
                    lastPong = frame.Payload;
                    continue;
                }

                Assert.That(frame.Opcode, Is.EqualTo(ClientFrame.OpText));
                Assert.That(frame.Text, Is.EqualTo("after the pings"));
                return;
            }
        });

        await good.EchoWhileAsync(attack);
        TestContext.Out.WriteLine($"{Pings} pings answered by {pongs} pongs");
        Assert.That(pongs, Is.InRange(1, Pings / 10), "pings in one read are answered by one pong");
        Assert.That(BitConverter.ToInt32(lastPong!), Is.EqualTo(Pings - 1), "RFC 6455 §5.5.3: the pong answers the latest ping");
        await logs.WaitForAsync(PingsCoalescedEvent);
        Assert.That(logs.Count(PingsCoalescedEvent), Is.EqualTo(1), "logged once per connection");
    }

    [Test]
    public async Task PingFlood_ClientNeverReads_SendQueueStaysBounded_GoodClientKeepsEchoing()
    {
        const int Limit = 16 * 1024, Writes = 200, PingsPerWrite = 100;
        var logs = new RecordingLoggerFactory();
        var endRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RecordingServer.StartEchoAsync(
            o =>
            {
                o.Heartbeat = HB.None;
                o.MaxSendQueueBytes = Limit;
                o.CloseTimeout = TimeSpan.FromSeconds(1);
                o.LoggerFactory = logs;
            },
            s => s.OnMessage += (c, m) =>
            {
                if (m.IsText && m.Text == "end of the flood")
                {
                    endRead.TrySetResult();
                }
            });
        await using var good = await GoodClient.OpenAsync(server.Port);
        await server.NextConnectionAsync();
        await using var attacker = await RawClient.OpenAsync(server.Port, s => s.ReceiveBufferSize = 4096);
        var connection = await server.NextConnectionAsync();
        byte[] burst = ClientFrame.Concat(Enumerable.Range(0, PingsPerWrite).Select(_ => ClientFrame.Ping(new byte[125])).ToArray());
        int maxQueued = 0;

        // 20,000 pings of 125 bytes (2.6 MB), never reading a pong; then a message that shows
        // when the server has read them all, unless it closed the flooder as a slow consumer.
        var flood = Task.Run(async () =>
        {
            try
            {
                for (int i = 0; i < Writes; i++)
                {
                    await attacker.SendAsync(burst);
                }

                await attacker.SendAsync(ClientFrame.Text("end of the flood"));
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                // Dropped by the server as a slow consumer: also a bounded outcome.
            }

            await Task.WhenAny(endRead.Task, server.CloseOfAsync(connection));
        });
        var sampler = Task.Run(async () =>
        {
            while (!flood.IsCompleted)
            {
                maxQueued = Math.Max(maxQueued, connection.Transport().QueuedBytes);
                await Task.Delay(1);
            }
        });

        await good.EchoWhileAsync(flood);
        await sampler;
        TestContext.Out.WriteLine($"max queued {maxQueued} bytes; connection {connection.State}");
        Assert.That(maxQueued, Is.LessThanOrEqualTo(Limit + 127), "the pongs waiting for the client stay under the send queue limit");
        Assert.That(logs.Count(PingsCoalescedEvent), Is.EqualTo(1));
        if (!endRead.Task.IsCompleted)
        {
            Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.SlowConsumer));
            await logs.WaitForAsync(SlowConsumerEvent);
            return;
        }

        // Now read what waited: far fewer pongs than pings, then the echo of the last message.
        int pongs = 0;
        ServerFrame frame;
        while ((frame = await attacker.ReadFrameAsync()).Opcode == ClientFrame.OpPong)
        {
            pongs++;
        }

        TestContext.Out.WriteLine($"{Writes * PingsPerWrite} pings answered by {pongs} pongs");
        Assert.That(frame.Text, Is.EqualTo("end of the flood"));
        // A read of up to 16 KiB holds about 125 of these 131-byte pings and gets at most
        // MaxPongsPerRead + 1 pongs: the first 16 one by one, then only the latest one.
        Assert.That(pongs, Is.InRange(1, Writes * PingsPerWrite / 4));
    }

    [Test]
    public async Task MessageFlood_HandlerBlocked_SocketPausesAndQueueStaysBounded_GoodClientKeepsEchoing_NothingLost()
    {
        const int Limit = 64 * 1024, Size = 16 * 1024, Count = 200;
        var logs = new RecordingLoggerFactory();
        using var gate = new ManualResetEventSlim(false);
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long flooderId = -1;
        int received = 0;
        await using var server = await RecordingServer.StartAsync(
            o =>
            {
                o.Dispatch = EventDispatch.ThreadPool;
                o.MaxInboundQueueBytes = Limit;
                o.LoggerFactory = logs;
            },
            s => s.OnMessage += (c, m) =>
            {
                if (c.Id != Interlocked.Read(ref flooderId))
                {
                    RecordingServer.Echo(c, m);
                    return;
                }

                // Only the flooder's handler is stuck; other connections' handlers run.
                blocked.TrySetResult();
                gate.Wait(RecordingServer.Timeout);
                Interlocked.Increment(ref received);
            });
        await using var good = await GoodClient.OpenAsync(server.Port);
        await server.NextConnectionAsync();
        await using var flooder = await RawClient.OpenAsync(server.Port);
        Interlocked.Exchange(ref flooderId, (await server.NextConnectionAsync()).Id);
        byte[] message = ClientFrame.Binary(new byte[Size]);

        var flood = Task.Run(async () =>
        {
            for (int i = 0; i < Count; i++)
            {
                await flooder.SendAsync(message);
            }
        });
        int max = 0;
        try
        {
            await blocked.Task.WaitAsync(RecordingServer.Timeout);
            await Poll.UntilAsync(() => server.Server.PendingEvents >= Limit / Size, "the inbound queue should fill up to its limit");
            for (int i = 0; i < 5; i++)
            {
                await good.EchoAsync();
                max = Math.Max(max, server.Server.PendingEvents);
            }
        }
        finally
        {
            gate.Set();
        }

        // The flooder's handler holds one event and at most the limit's worth wait; the good
        // client's echo may still be counted for a moment.
        Assert.That(max, Is.LessThanOrEqualTo(Limit / Size + 3), "events waiting while the flooder's handler is blocked");
        await flood.WaitAsync(RecordingServer.Timeout);
        await Poll.UntilAsync(() => Volatile.Read(ref received) == Count, "every flooded message is delivered once the handler runs again");
        Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty, "backpressure is flow control, not an error: " + logs.Dump());
    }

    [Test]
    public async Task NeverReads_ServerPushes_Closed1008SlowConsumerAndLogged_GoodClientKeepsEchoing()
    {
        const int Limit = 256 * 1024;
        var logs = new RecordingLoggerFactory();
        await using var server = await RecordingServer.StartEchoAsync(
            o =>
            {
                o.MaxSendQueueBytes = Limit;
                o.CloseTimeout = TimeSpan.FromSeconds(1);
                o.LoggerFactory = logs;
            },
            s => s.OnConnect += c =>
            {
                if (c.Info.Path != "/slow")
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    var message = new byte[64 * 1024];
                    while (c.Send(message))
                    {
                    }
                });
            });
        await using var good = await GoodClient.OpenAsync(server.Port);
        await server.NextConnectionAsync();
        await using var slow = await RawClient.OpenAsync(server.Port, s => s.ReceiveBufferSize = 4096, "/slow");
        var connection = await server.NextConnectionAsync();
        int maxQueued = 0;

        var attack = Task.Run(async () =>
        {
            var closed = server.CloseOfAsync(connection);
            while (!closed.IsCompleted)
            {
                maxQueued = Math.Max(maxQueued, connection.Transport().QueuedBytes);
                await Task.Delay(1);
            }

            var info = await closed;
            Assert.That((info.Code, info.Cause), Is.EqualTo(((ushort)1008, WsCloseCause.SlowConsumer)));
        });

        await good.EchoWhileAsync(attack);
        Assert.That(maxQueued, Is.LessThanOrEqualTo(Limit + (64 * 1024) + 14), "the send queue grew past its bound");
        Assert.That((await logs.WaitForAsync(SlowConsumerEvent)).Message, Does.Contain($"Connection {connection.Id} "));
        await slow.AssertServerClosedAsync(RawClient.Timeout);
    }
}
