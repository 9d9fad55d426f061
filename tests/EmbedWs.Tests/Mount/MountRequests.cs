using System.Collections.Generic;
using System.Net;
using System.Security.Claims;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Mount;

// Requests and connections for WsServer.AdmitAsync / AcceptAsync without any HTTP server: the
// test plays the other server, over an in-memory duplex stream.
internal static class MountRequests
{
    // RFC 6455 §1.3's key; its accept value is s3pPLMBiTxaQ9kYGzzhZRbK+xOo=.
    public const string RfcKey = "dGhlIHNhbXBsZSBub25jZQ==";

    public static List<KeyValuePair<string, string>> Headers(string key = RfcKey) => new()
    {
        new("Host", "example.test"),
        new("Upgrade", "websocket"),
        new("Connection", "Upgrade"),
        new("Sec-WebSocket-Key", key),
        new("Sec-WebSocket-Version", "13"),
    };

    public static WsUpgradeRequest Request(string path = "/ws", string query = "", IEnumerable<KeyValuePair<string, string>>? headers = null,
        ClaimsPrincipal? user = null, string method = "GET") =>
        new(path, query, headers ?? Headers())
        {
            Method = method,
            User = user,
            RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, 50000),
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 443),
        };

    public static List<KeyValuePair<string, string>> Without(this List<KeyValuePair<string, string>> headers, string name)
    {
        headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
        return headers;
    }

    public static List<KeyValuePair<string, string>> With(this List<KeyValuePair<string, string>> headers, string name, string value)
    {
        headers.Without(name).Add(new(name, value));
        return headers;
    }

    // Admits and runs one connection: the client end, the server end (which the test, as the
    // other server, ends once Run completes) and AcceptAsync's task.
    public static async Task<MountedClient> ConnectAsync(WsServer server, WsUpgradeRequest? request = null)
    {
        var decision = await server.AdmitAsync(request ?? Request());
        Assert.That(decision.IsAccepted, Is.True, $"refused with {decision.StatusCode}: {decision.Body}");
        var (serverEnd, clientEnd) = DuplexStream.CreatePair();
        var run = server.AcceptAsync(decision, serverEnd);
        return new MountedClient(RawClient.Over(clientEnd), serverEnd, run);
    }
}

internal sealed record MountedClient(RawClient Client, DuplexStream ServerEnd, Task Run) : IAsyncDisposable
{
    // Waits for AcceptAsync's task, then ends the server's end as the other server would.
    public async Task WaitEndedAsync()
    {
        var done = await Task.WhenAny(Run, Task.Delay(RawClient.Timeout));
        Assert.That(done, Is.SameAs(Run), "AcceptAsync's task did not complete in time");
        ServerEnd.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        ServerEnd.Dispose();
        await Client.DisposeAsync();
    }
}
