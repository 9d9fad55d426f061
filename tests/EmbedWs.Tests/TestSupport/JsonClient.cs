using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Tests.TestSupport;

// .NET's ClientWebSocket for the routing, heartbeat, dispatch and group tests: text and JSON in
// and out, every await bounded by Timeout. Its own keep-alive is off, so that on fake time the
// only traffic the server sees is what a test sends.
internal sealed class JsonClient : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly byte[] _buffer = new byte[64 * 1024];

    private JsonClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    public static async Task<JsonClient> ConnectAsync(int port, string path = "/")
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using var cts = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}{path}"), cts.Token);
        return new JsonClient(socket);
    }

    public async Task SendTextAsync(string text)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
    }

    public async Task SendBinaryAsync(byte[] data)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await Socket.SendAsync(data, WebSocketMessageType.Binary, true, cts.Token);
    }

    // The next whole message; a close from the server fails the test.
    public async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var all = new MemoryStream();
        try
        {
            while (true)
            {
                var r = await Socket.ReceiveAsync(_buffer, cts.Token);
                Assert.That(r.MessageType, Is.Not.EqualTo(WebSocketMessageType.Close), $"the server closed: {r.CloseStatus} {r.CloseStatusDescription}");
                all.Write(_buffer, 0, r.Count);
                if (r.EndOfMessage)
                {
                    return (r.MessageType, all.ToArray());
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no message from the server within {Timeout.TotalSeconds} s");
            throw;
        }
    }

    public async Task<string> ReceiveTextAsync()
    {
        var (type, data) = await ReceiveAsync();
        Assert.That(type, Is.EqualTo(WebSocketMessageType.Text));
        return Encoding.UTF8.GetString(data);
    }

    public async Task<JObject> ReceiveJsonAsync() => JObject.Parse(await ReceiveTextAsync());

    // Waits for the server's close frame, answers it, and returns its status and reason.
    public async Task<(WebSocketCloseStatus? Status, string? Reason)> ReceiveCloseAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var r = await Socket.ReceiveAsync(_buffer, cts.Token);
        Assert.That(r.MessageType, Is.EqualTo(WebSocketMessageType.Close), "expected the server's close frame");
        if (Socket.State == WebSocketState.CloseReceived)
        {
            await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        }

        return (r.CloseStatus, r.CloseStatusDescription);
    }

    public async Task CloseAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
    }

    public void Dispose() => Socket.Dispose();
}
