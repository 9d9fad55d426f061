using System.Net.WebSockets;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;
using Microsoft.Extensions.Time.Testing;
using HB = EmbedWs.HeartbeatPolicy;

namespace EmbedWs.Tests.Heartbeat;

/// <summary>Idle timeout and no heartbeat (DESIGN §6) on fake time.</summary>
public class IdleTimeoutHeartbeatTests
{
    // Tick = a quarter of the timeout = 500 ms.
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    [Test]
    public async Task IdleTimeout_NoTraffic_ClosesAfterTimeoutWithCauseHeartbeatTimeout()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeTimeServer.StartAsync(time, HB.IdleTimeout(IdleTimeout));
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        time.AdvanceInSteps(TimeSpan.FromSeconds(1.5), Tick);
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
        time.AdvanceInSteps(TimeSpan.FromSeconds(0.5), Tick);

        // Nothing (no ping) comes before the close frame.
        await server.AssertHeartbeatTimeoutAsync(client, connection);
    }

    [Test]
    public async Task IdleTimeout_MessageArrives_RestartsTheTimeout()
    {
        var time = new FakeTimeProvider();
        var got = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await FakeTimeServer.StartAsync(time, HB.IdleTimeout(IdleTimeout), s => s.OnMessage += (c, m) => got.TrySetResult());
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        time.AdvanceInSteps(TimeSpan.FromSeconds(1.5), Tick);
        await client.SendTextAsync("still here");
        await got.Task.WaitAsync(JsonClient.Timeout);

        // 3 s since the connection opened, but only 1.5 s since the message.
        time.AdvanceInSteps(TimeSpan.FromSeconds(1.5), Tick);
        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));

        time.AdvanceInSteps(TimeSpan.FromSeconds(0.5), Tick);
        Assert.That((await client.ReceiveCloseAsync()).Status, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.HeartbeatTimeout));
    }

    [Test]
    public async Task None_HourOfSilence_NeverCloses()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeTimeServer.StartAsync(time, HB.None, s => s.OnMessage += RecordingServer.Echo);
        using var client = await JsonClient.ConnectAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        time.AdvanceInSteps(TimeSpan.FromHours(1), TimeSpan.FromMinutes(1));

        Assert.That(connection.State, Is.EqualTo(WsConnectionState.Open));
        await client.SendTextAsync("alive");
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("alive"));
    }
}
