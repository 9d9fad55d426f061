using System.Collections.Generic;
using System.Linq;
using EmbedWs.Routing;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Routing;

/// <summary>Replies per connection in request order; many connections at once (DESIGN §4, §5).</summary>
[TestFixtureSource(typeof(RoutingSerializers), nameof(RoutingSerializers.Built))]
public class WsRouterOrderingTests
{
    private readonly TestSerializer _serializer;

    public WsRouterOrderingTests(TestSerializer serializer) => _serializer = serializer;

    [Test]
    public async Task Route_200RequestsBackToBack_RepliesInOrder()
    {
        await using var server = await RoutingFixture.StartAsync(_serializer);
        using var client = await JsonClient.ConnectAsync(server.Port);

        for (int i = 0; i < 200; i++)
        {
            await client.SendTextAsync(RoutingFixture.Add(i, i, 1));
        }

        for (int i = 0; i < 200; i++)
        {
            Assert.That(await client.ReceiveTextAsync(), Is.EqualTo(RoutingFixture.AddReplyText(i, i + 1)), $"reply {i}");
        }
    }

    [Test]
    public async Task Route_AsyncHandlersOfVaryingLength_RepliesStillInRequestOrder()
    {
        await using var server = await RecordingServer.StartAsync(RoutingFixture.Use(_serializer), wire: s => s.Route<AddRequest, AddReply>("math.add", async (c, r) =>
        {
            // Earlier requests take longer: an unordered router would answer them last.
            if (r.A % 2 == 0)
            {
                await Task.Delay(5);
            }

            await Task.Yield();
            return new AddReply(r.A + r.B);
        }));
        using var client = await JsonClient.ConnectAsync(server.Port);

        for (int i = 0; i < 20; i++)
        {
            await client.SendTextAsync(RoutingFixture.Add($"r{i}", i, 0));
        }

        for (int i = 0; i < 20; i++)
        {
            Assert.That(await client.ReceiveTextAsync(), Is.EqualTo(RoutingFixture.AddReplyText($"r{i}", i)), $"reply {i}");
        }
    }

    [Test]
    public async Task Route_20ConnectionsWith50RequestsEach_AllAnsweredCorrectly()
    {
        const int Connections = 20, Requests = 50;
        await using var server = await RoutingFixture.StartAsync(_serializer);
        var clients = new JsonClient[Connections];
        try
        {
            for (int i = 0; i < Connections; i++)
            {
                clients[i] = await JsonClient.ConnectAsync(server.Port);
            }

            var runs = clients.Select((client, n) => Task.Run(async () =>
            {
                var sends = Task.Run(async () =>
                {
                    for (int r = 0; r < Requests; r++)
                    {
                        await client.SendTextAsync(RoutingFixture.Add($"c{n}-{r}", n * 1000, r));
                    }
                });
                var replies = new List<string>();
                for (int r = 0; r < Requests; r++)
                {
                    replies.Add(await client.ReceiveTextAsync());
                }

                await sends;
                return replies;
            })).ToArray();

            var all = Task.WhenAll(runs);
            Assert.That(await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(20))), Is.SameAs(all), "not every request was answered in time");
            var results = await all;
            for (int n = 0; n < Connections; n++)
            {
                var expected = Enumerable.Range(0, Requests).Select(r => RoutingFixture.AddReplyText($"c{n}-{r}", n * 1000 + r));
                Assert.That(results[n], Is.EqualTo(expected), $"connection {n}");
            }
        }
        finally
        {
            foreach (var c in clients)
            {
                c?.Dispose();
            }
        }
    }
}
