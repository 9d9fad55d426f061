using System.Net.WebSockets;
using EmbedWs.Heartbeat;
using EmbedWs.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace EmbedWs.Tests.Heartbeat;

// A recording server whose heartbeat runs on fake time. The heartbeat's one timer comes from
// the FakeTimeProvider, so Advance runs its ticks synchronously on the calling thread; and the
// connections' "last received" timestamps come from it too, so that a test decides exactly
// how much silence the policy sees.
internal static class FakeTimeServer
{
    public static Task<RecordingServer> StartAsync(FakeTimeProvider time, IHeartbeatPolicy policy, Action<WsServer>? wire = null) =>
        RecordingServer.StartAsync(
            o =>
            {
                o.TimeProvider = time;
                o.Heartbeat = policy;
            },
            wire);

    // Moves fake time in steps no longer than the heartbeat's tick, as a real clock would.
    public static void AdvanceInSteps(this FakeTimeProvider time, TimeSpan total, TimeSpan step)
    {
        while (total > TimeSpan.Zero)
        {
            var by = total < step ? total : step;
            time.Advance(by);
            total -= by;
        }
    }

    // The heartbeat's close as both sides see it: 1001 "heartbeat timeout" on the wire, and
    // OnClose with the HeartbeatTimeout cause and the same code.
    public static async Task AssertHeartbeatTimeoutAsync(this RecordingServer server, JsonClient client, IWsConnection connection)
    {
        var (status, reason) = await client.ReceiveCloseAsync();
        Assert.That(status, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        Assert.That(reason, Is.EqualTo("heartbeat timeout"));
        var info = await server.CloseOfAsync(connection);
        Assert.That(info.Cause, Is.EqualTo(WsCloseCause.HeartbeatTimeout));
        Assert.That(info.Code, Is.EqualTo(1001));
    }
}
