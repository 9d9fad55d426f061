using System.Net;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Dispatch;
using EmbedWs.Routing;

namespace EmbedWs.Benchmarks.Servers;

/// <summary>
/// EmbedWs through its public API only, as a user would write it. Dispatch is Inline (handlers
/// run on the connection's read loop: no queue, no copy) and the heartbeat is off, so the
/// engine's own path is what is measured; every other option is the default.
/// </summary>
internal static class EmbedWsBenchServer
{
    public static async Task RunAsync(int port, string mode, CancellationToken stop)
    {
        var server = new WsServer(new WsServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, port),
            Dispatch = EventDispatch.Inline,
            Heartbeat = Heartbeat.Heartbeat.None,
        });

        switch (mode)
        {
            case "echo":
                // Binary is echoed without a copy out of the receive buffer; text has to go
                // through a string, as the public API has no "send these UTF-8 bytes as text".
                server.OnMessage += (c, m) => _ = m.IsText ? c.SendAsync(m.Text) : c.SendAsync(m.Data);
                break;
            case "fanout":
                // Encoded once, queued to every other connection.
                server.OnMessage += (c, m) => _ = server.BroadcastAsync(m.Data, except: c);
                break;
            case "route":
                server.Route<AddRequest, AddReply>("math.add", (c, r) => new AddReply(r.A + r.B));
                break;
        }

        await server.StartAsync();
        Program.Ready("embedws", mode, server.Port);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (TaskCanceledException)
        {
        }

        await server.StopAsync();
    }
}
