using System.Diagnostics;
using System.Linq;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using EmbedWs.Tests.Integration;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Robustness;

/// <summary>Many clients at once over loopback: nothing lost, order kept per connection, every connection closed once.</summary>
public class LoadTests
{
    private const int Clients = 500;
    private const int MessagesPerClient = 20;

    [Test]
    public async Task Load_500ConcurrentClientWebSockets_Each20Messages_AllEchoedInOrder()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        var uri = new Uri($"ws://127.0.0.1:{server.Port}/");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();

        var results = await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => Task.Run(() => RunClientAsync(uri, i, cts.Token))));

        TestContext.Out.WriteLine($"{Clients} clients x {MessagesPerClient} messages in {clock.ElapsedMilliseconds} ms");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "a few seconds are expected even on a slow machine");
        for (int i = 0; i < Clients; i++)
        {
            Assert.That(results[i], Is.EqualTo(Enumerable.Range(0, MessagesPerClient).Select(m => $"client {i} message {m}")),
                $"client {i} lost or reordered messages");
        }

        Assert.That(server.ConnectCount, Is.EqualTo(Clients));
        await server.WaitCloseCountAsync(Clients);
        Assert.That(server.AllCloses.Select(c => c.Close.Cause), Is.All.EqualTo(WsCloseCause.ClientClosed));
        await server.StopAndAssertOneClosePerConnectionAsync();
        Assert.That(server.AllCloses.Count, Is.EqualTo(server.ConnectCount));
    }

    [Test]
    public async Task Load_BroadcastTo200RawClients_EachGetsEveryMessageInOrder()
    {
        const int clients = 200, messages = 50;
        await using var server = await RecordingServer.StartEchoAsync();
        var raws = new RawClient[clients];
        for (int i = 0; i < clients; i++)
        {
            raws[i] = await RawClient.OpenAsync(server.Port);
        }

        for (int i = 0; i < clients; i++)
        {
            await server.NextConnectionAsync();
        }

        for (int m = 0; m < messages; m++)
        {
            Assert.That(server.Server.Broadcast($"b{m}"), Is.EqualTo(clients));
        }

        await Task.WhenAll(raws.Select(async r =>
        {
            for (int m = 0; m < messages; m++)
            {
                Assert.That(await r.ReadTextAsync(), Is.EqualTo($"b{m}"));
            }

            await r.DisposeAsync();
        }));
        await server.WaitCloseCountAsync(clients);
        await server.StopAndAssertOneClosePerConnectionAsync();
    }

    private static async Task<string[]> RunClientAsync(Uri uri, int index, CancellationToken ct)
    {
        using var client = new ClientWebSocket();
        await client.ConnectAsync(uri, ct);
        var received = new string[MessagesPerClient];
        var reader = Task.Run(async () =>
        {
            for (int m = 0; m < MessagesPerClient; m++)
            {
                var (type, data) = await ClientWebSocketTests.ReceiveAsync(client, ct);
                Assert.That(type, Is.EqualTo(WebSocketMessageType.Text));
                received[m] = Encoding.UTF8.GetString(data);
            }
        }, ct);

        for (int m = 0; m < MessagesPerClient; m++)
        {
            await client.SendAsync(Encoding.UTF8.GetBytes($"client {index} message {m}"), WebSocketMessageType.Text, true, ct);
        }

        await reader;
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", ct);
        return received;
    }
}
