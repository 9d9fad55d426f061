using System.Diagnostics;
using System.Net.Sockets;

namespace EmbedWs.Tests.TestSupport;

// A well-behaved client connected beside an attack, against an echo server: it sends a text
// message and must get it back, again and again, each round trip within a generous timeout
// (RawClient.Timeout), for as long as the attack runs. It measures nothing: it only shows that
// the server goes on serving other clients.
internal sealed class GoodClient : IAsyncDisposable
{
    private static readonly TimeSpan s_overall = TimeSpan.FromSeconds(60);

    private readonly RawClient _client;
    private int _sent;

    private GoodClient(RawClient client) => _client = client;

    public int RoundTrips { get; private set; }

    // Opens a WebSocket to the echo server on 127.0.0.1:port (configure may bind another source address).
    public static async Task<GoodClient> OpenAsync(int port, Action<Socket>? configure = null) =>
        new(await RawClient.OpenAsync(port, configure));

    // count round trips, one after the other.
    public async Task EchoAsync(int count = 1)
    {
        for (int i = 0; i < count; i++)
        {
            string text = $"good client message {++_sent}";
            await _client.SendAsync(ClientFrame.Text(text));
            Assert.That(await _client.ReadTextAsync(), Is.EqualTo(text), "the good client's echo");
            RoundTrips++;
        }
    }

    // Round trips until the attack completes (at least minimum of them), then awaits the attack:
    // an attack that fails fails the test, and so does one that outlasts the overall limit.
    public async Task<int> EchoWhileAsync(Task attack, int minimum = 3)
    {
        var clock = Stopwatch.StartNew();
        int before = RoundTrips;
        while (!attack.IsCompleted || RoundTrips - before < minimum)
        {
            Assert.That(clock.Elapsed, Is.LessThan(s_overall), "the attack did not end in time");
            await EchoAsync();
        }

        await attack;
        return RoundTrips - before;
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
