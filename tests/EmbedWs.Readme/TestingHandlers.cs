#region snippet
using EmbedWs;
using EmbedWs.Testing;
using Microsoft.Extensions.Time.Testing;

#endregion
namespace Snippets.TestingHandlersExample;

internal sealed record AddRequest(int A, int B);

internal sealed record AddReply(int Sum);

internal static class Tests
{
    #region snippet
    // One test; the same with NUnit, xUnit or MSTest (replace Check with their asserts).
    public static async Task AddRoute_RepliesAndSilentClientIsClosed()
    {
        var time = new FakeTimeProvider();
        await using var server = new WsServer(new WsServerOptions
        {
            Listen = false,                                            // no port: connections come in memory
            TimeProvider = time,                                       // the heartbeat runs on fake time
            Heartbeat = HeartbeatPolicy.PingPong(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10)),
        });
        server.Route<AddRequest, AddReply>("math.add", (conn, r) => new AddReply(r.A + r.B));
        await server.StartAsync();

        await using var client = await WsTestClient.ConnectAsync(server, "/ws");
        var reply = await client.RequestAsync<AddReply>("math.add", new AddRequest(2, 3));
        Check(reply!.Sum == 5);

        client.AnswerPings = false;                                    // play a dead peer
        for (int s = 0; s < 30; s++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var close = await client.Closed.WaitAsync(TimeSpan.FromSeconds(5));
        Check(close.Code == WsCloseCodes.GoingAway && close.Reason == "heartbeat timeout");
    }
    #endregion

    private static void Check(bool condition)
    {
        if (!condition)
        {
            throw new InvalidOperationException("check failed");
        }
    }
}
