using System.Collections.Generic;
using System.Linq;
using EmbedWs.Dispatch;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Transport;

/// <summary>
/// A large binary send goes to the socket straight from the caller's memory, behind what is
/// queued, and only what the socket does not take is queued. Whatever the socket takes, the
/// client must get every frame whole and in order.
/// </summary>
public class DirectSendTests
{
    private static byte[] Payload(int i)
    {
        var bytes = new byte[100_000 + i * 997];
        new Random(i).NextBytes(bytes);
        return bytes;
    }

    [TestCase(EventDispatch.Inline)]
    [TestCase(EventDispatch.ThreadPool)]
    public async Task LargeSends_ClientReadsLate_EveryFrameWholeAndInOrder(EventDispatch dispatch)
    {
        const int Count = 24;
        await using var server = await RecordingServer.StartAsync(
            o =>
            {
                o.Dispatch = dispatch;
                o.MaxSendQueueBytes = 64 * 1024 * 1024;
            },
            s =>
            {
                // A small send buffer: the socket soon takes only part of a send, the rest is queued.
                s.OnConnect += c => c.Transport().Socket!.SendBufferSize = 4096;
                s.OnMessage += (c, m) =>
                {
                    // Small frames around each large one: queued, then the large one behind them.
                    c.Send("before");
                    c.Send(m.Data);
                    c.Send("after");
                };
            });

        // A small receive window: the server's sends soon find the socket full and go partly to the queue.
        await using var client = await RawClient.OpenAsync(server.Port, s => s.ReceiveBufferSize = 4096);
        var connection = await server.NextConnectionAsync();
        for (int i = 0; i < Count; i++)
        {
            await client.SendAsync(ClientFrame.Binary(Payload(i)));
        }

        for (int i = 0; i < Count; i++)
        {
            Assert.That(await client.ReadTextAsync(), Is.EqualTo("before"), $"message {i}");
            var (opcode, payload) = await client.ReadMessageAsync();
            Assert.That(opcode, Is.EqualTo(ClientFrame.OpBinary));
            Assert.That(payload, Is.EqualTo(Payload(i)), $"message {i}");
            Assert.That(await client.ReadTextAsync(), Is.EqualTo("after"), $"message {i}");
        }

        // Frames only: a 10-byte header for each large payload, "before" and "after" 8 and 7 bytes.
        long expected = Enumerable.Range(0, Count).Sum(i => Payload(i).Length + 10L + 8 + 7);
        await Poll.UntilAsync(() => server.Server.GetSnapshot().BytesSent == expected, "bytes sent counted once each");
        Assert.That(server.Server.GetSnapshot().Connections.Single(c => c.Id == connection.Id).MessagesSent, Is.EqualTo(3 * Count));
    }

    [Test]
    public async Task LargeSend_FromManyThreadsAtOnce_NoFrameInterleaves()
    {
        await using var server = await RecordingServer.StartAsync(o => o.MaxSendQueueBytes = 64 * 1024 * 1024);
        await using var client = await RawClient.OpenAsync(server.Port, s => s.ReceiveBufferSize = 8192);
        var connection = await server.NextConnectionAsync();
        connection.Transport().Socket!.SendBufferSize = 4096;

        var sends = Enumerable.Range(0, 16).Select(i => Task.Run(() => Assert.That(connection.Send(Payload(i)), Is.True)));
        await Task.WhenAll(sends);

        var seen = new HashSet<int>();
        for (int n = 0; n < 16; n++)
        {
            var (_, payload) = await client.ReadMessageAsync();
            int i = (payload.Length - 100_000) / 997;
            Assert.That(payload, Is.EqualTo(Payload(i)), "a frame was cut or mixed with another");
            seen.Add(i);
        }

        Assert.That(seen, Has.Count.EqualTo(16));
    }
}
