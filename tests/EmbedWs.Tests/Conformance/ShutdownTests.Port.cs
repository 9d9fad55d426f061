using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Conformance;

// After StopAsync the port is free at once, even with the old connections in TIME_WAIT; and a
// server on a port that is really in use still fails, with an error that names the endpoint.
public partial class ShutdownTests
{
    [Test]
    public async Task Stop_WithClientsThatWereConnected_SamePortBindsAtOnceDespiteTimeWait_ButNotTwice()
    {
        int port;
        await using (var server = await RecordingServer.StartEchoAsync())
        {
            port = server.Port;
            var clients = new RawClient[3];
            for (int i = 0; i < clients.Length; i++)
            {
                clients[i] = await RawClient.OpenAsync(port);
                await clients[i].SendAsync(ClientFrame.Text($"hello {i}"));
                Assert.That(await clients[i].ReadTextAsync(), Is.EqualTo($"hello {i}"));
            }

            var stop = server.Server.StopAsync();
            foreach (var client in clients)
            {
                Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1001));
                await client.SendAsync(ClientFrame.Close(1001));
                await client.AssertServerClosedAsync(RawClient.Timeout);
                await client.DisposeAsync();
            }

            await RecordingServer.Bounded(stop, "StopAsync");
        }

        if (OperatingSystem.IsLinux())
        {
            // The server ended TCP first (RFC 6455 §7.1.1), so its side of each connection waits
            // in TIME_WAIT on this port: the state in which a bind without SO_REUSEADDR fails.
            Assert.That(TimeWaitSocketsOnLocalPort(port), Is.GreaterThan(0), "precondition: TIME_WAIT sockets on the port");
        }

        await using var again = await RecordingServer.StartEchoAsync(o => o.Endpoint = new IPEndPoint(IPAddress.Loopback, port));
        Assert.That(again.Port, Is.EqualTo(port));
        await again.AssertStillServesAsync();

        // SO_REUSEADDR must not let a second server share a port that is listened on.
        await using var third = new WsServer(new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, port) });
        var error = await Assert.ThrowsAsync<IOException>(async () => await third.StartAsync());
        Assert.That(error!.Message, Does.Contain($"127.0.0.1:{port}").And.Contain("already in use"));
        Assert.That(((SocketException)error.InnerException!).SocketErrorCode, Is.EqualTo(SocketError.AddressAlreadyInUse));
        await again.AssertStillServesAsync();
    }

    // Counts IPv4 TCP sockets in TIME_WAIT (state 06) whose local port is port, from /proc/net/tcp.
    private static int TimeWaitSocketsOnLocalPort(int port) =>
        File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f[3] == "06" && int.Parse(f[1].Split(':')[1], NumberStyles.HexNumber) == port);
}
