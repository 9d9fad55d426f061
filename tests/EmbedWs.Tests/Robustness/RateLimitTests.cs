using System.Text.Json;
using EmbedWs.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace EmbedWs.Tests.Robustness;

/// <summary>
/// Inbound rate limits per connection on fake time (docs/rate-limits.md): the buckets are refilled
/// by the server's one tick, which the FakeTimeProvider runs when the test advances it.
/// </summary>
public class RateLimitTests
{
    [Test]
    public async Task ErrorReply_PastMessagesPerSecond_AnswersRateLimited_ThenServesAgainAfterRefill()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartEchoAsync(time, o => o.MaxMessagesPerSecond = 5);
        await using var client = await RawClient.OpenAsync(server.Port);

        for (int i = 0; i < 7; i++)
        {
            await client.SendAsync(ClientFrame.Text($"m{i}"));
        }

        await client.SendAsync(ClientFrame.Text("""{"type":"chat.send","id":7,"data":{}}"""));
        for (int i = 0; i < 5; i++)
        {
            Assert.That(await client.ReadTextAsync(), Is.EqualTo($"m{i}"));
        }

        AssertRateLimited(await client.ReadTextAsync(), null);
        AssertRateLimited(await client.ReadTextAsync(), null);
        AssertRateLimited(await client.ReadTextAsync(), 7);
        Assert.That(server.Server.Metrics.MessagesRateLimited, Is.EqualTo(3));

        // A fifth of a second refills one message.
        time.Advance(TimeSpan.FromMilliseconds(100));
        time.Advance(TimeSpan.FromMilliseconds(100));
        await client.SendAsync(ClientFrame.Text("again"));
        await client.SendAsync(ClientFrame.Text("too soon"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("again"));
        AssertRateLimited(await client.ReadTextAsync(), null);
    }

    [Test]
    public async Task Drop_PastMessagesPerSecond_NotAnswered_ConnectionStaysOpen()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartEchoAsync(time, o =>
        {
            o.MaxMessagesPerSecond = 5;
            o.RateLimitPolicy = WsRateLimitPolicy.Drop;
        });
        await using var client = await RawClient.OpenAsync(server.Port);

        for (int i = 0; i < 8; i++)
        {
            await client.SendAsync(ClientFrame.Text($"m{i}"));
        }

        await Poll.UntilAsync(() => server.Server.Metrics.MessagesRateLimited == 3, "three messages limited");
        AdvanceOneSecond(time);
        await client.SendAsync(ClientFrame.Text("after"));

        for (int i = 0; i < 5; i++)
        {
            Assert.That(await client.ReadTextAsync(), Is.EqualTo($"m{i}"));
        }

        Assert.That(await client.ReadTextAsync(), Is.EqualTo("after"), "the dropped ones got no answer");
    }

    [Test]
    public async Task Close_PastMessagesPerSecond_ClosesWith1008()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartEchoAsync(time, o =>
        {
            o.MaxMessagesPerSecond = 5;
            o.RateLimitPolicy = WsRateLimitPolicy.Close;
        });
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        for (int i = 0; i < 6; i++)
        {
            await client.SendAsync(ClientFrame.Text($"m{i}"));
        }

        for (int i = 0; i < 5; i++)
        {
            Assert.That(await client.ReadTextAsync(), Is.EqualTo($"m{i}"));
        }

        var close = await client.ReadCloseAsync();
        Assert.That(close.Code, Is.EqualTo(1008));
        Assert.That(close.Reason, Is.EqualTo("rate limited"));
        await client.SendAsync(ClientFrame.Close(1008));
        await client.DisposeAsync();
        var info = await server.CloseOfAsync(connection);
        Assert.That(info.Cause, Is.EqualTo(WsCloseCause.PolicyViolation));
    }

    [Test]
    public async Task BytesPerSecond_CountsPayloadBytes_LargeMessagePassesOnFullBudgetThenWaits()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartEchoAsync(time, o =>
        {
            o.MaxBytesPerSecond = 1000;
            o.RateLimitPolicy = WsRateLimitPolicy.Drop;
        });
        await using var client = await RawClient.OpenAsync(server.Port);
        string a = new('a', 400), b = new('b', 400), c = new('c', 400), big = new('B', 2500);

        await client.SendAsync(ClientFrame.Text(a));
        await client.SendAsync(ClientFrame.Text(b));
        await client.SendAsync(ClientFrame.Text(c));                    // 200 left: dropped
        Assert.That(await client.ReadTextAsync(), Is.EqualTo(a));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo(b));
        await Poll.UntilAsync(() => server.Server.Metrics.MessagesRateLimited == 1, "the third message limited");

        AdvanceOneSecond(time);                                         // full again: 1000
        await client.SendAsync(ClientFrame.Text(big));                  // larger than a second's budget: passes, leaves a debt
        await client.SendAsync(ClientFrame.Text("x"));                  // dropped: the debt
        Assert.That(await client.ReadTextAsync(), Is.EqualTo(big));
        await Poll.UntilAsync(() => server.Server.Metrics.MessagesRateLimited == 2, "the message after the large one limited");

        AdvanceOneSecond(time);                                         // -1500 + 1000: still in debt
        await client.SendAsync(ClientFrame.Text("y"));
        await Poll.UntilAsync(() => server.Server.Metrics.MessagesRateLimited == 3, "still in debt");
        AdvanceOneSecond(time);                                         // 500
        await client.SendAsync(ClientFrame.Text("z"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("z"));
    }

    [Test]
    public async Task Limited_LoggedOncePerBurst()
    {
        var time = new FakeTimeProvider();
        using var logs = new RecordingLoggerFactory();
        await using var server = await StartEchoAsync(time, o =>
        {
            o.MaxMessagesPerSecond = 1;
            o.RateLimitPolicy = WsRateLimitPolicy.Drop;
            o.LoggerFactory = logs;
        });
        await using var client = await RawClient.OpenAsync(server.Port);
        for (int i = 0; i < 4; i++)
        {
            await client.SendAsync(ClientFrame.Text($"m{i}"));
        }

        Assert.That(await client.ReadTextAsync(), Is.EqualTo("m0"));
        await Poll.UntilAsync(() => server.Server.Metrics.MessagesRateLimited == 3, "three messages limited");
        Assert.That(logs.Count(220), Is.EqualTo(1), logs.Dump());

        AdvanceOneSecond(time);
        await client.SendAsync(ClientFrame.Text("next"));
        await client.SendAsync(ClientFrame.Text("over again"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("next"));
        await logs.WaitForCountAsync(220, 2);
    }

    [Test]
    public async Task Default_NoLimit_ManyMessagesAllServed()
    {
        await using var server = await RecordingServer.StartEchoAsync(o => Assert.That(o.MaxMessagesPerSecond + o.MaxBytesPerSecond, Is.Zero));
        await using var client = await RawClient.OpenAsync(server.Port);
        for (int i = 0; i < 500; i++)
        {
            await client.SendAsync(ClientFrame.Text($"m{i}"));
        }

        for (int i = 0; i < 500; i++)
        {
            Assert.That(await client.ReadTextAsync(), Is.EqualTo($"m{i}"));
        }
    }

    private static Task<RecordingServer> StartEchoAsync(FakeTimeProvider time, Action<WsServerOptions> limits) =>
        RecordingServer.StartEchoAsync(o =>
        {
            o.TimeProvider = time;
            o.Heartbeat = HeartbeatPolicy.None;
            limits(o);
        });

    // In the tick's steps, as a real clock would move.
    private static void AdvanceOneSecond(FakeTimeProvider time)
    {
        for (int i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
        }
    }

    private static void AssertRateLimited(string text, int? id)
    {
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.That(root.GetProperty("type").GetString(), Is.EqualTo("error"));
        Assert.That(root.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("rate_limited"));
        if (id is { } expected)
        {
            Assert.That(root.GetProperty("id").GetInt32(), Is.EqualTo(expected));
        }
        else
        {
            Assert.That(root.TryGetProperty("id", out _), Is.False);
        }
    }
}
