using System.Net.WebSockets;
using System.Text;
using System.Threading;
using EmbedWs.Tests.TestSupport;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Tests.Dashboard;

/// <summary>A dashboard viewer for tests: .NET's ClientWebSocket on the dashboard's socket, reading its JSON messages.</summary>
internal sealed class DashboardClient : IAsyncDisposable
{
    public const string Token = "test-token-0123456789";

    private DashboardClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    public static async Task<DashboardClient> ConnectAsync(int port, string? token = Token, string path = "/embedws/socket")
    {
        var socket = new ClientWebSocket();
        string query = token is null ? "" : "?token=" + token;
        using var timeout = new CancellationTokenSource(TestServer.Timeout);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}{path}{query}"), timeout.Token);
        return new DashboardClient(socket);
    }

    /// <summary>The next message, parsed.</summary>
    public async Task<JObject> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TestServer.Timeout);
        var buffer = new byte[256 * 1024];
        int filled = 0;
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer.AsMemory(filled), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"the dashboard closed: {Socket.CloseStatus} {Socket.CloseStatusDescription}");
            }

            filled += result.Count;
            if (result.EndOfMessage)
            {
                return JObject.Parse(Encoding.UTF8.GetString(buffer, 0, filled));
            }
        }
    }

    /// <summary>Reads until a message of <paramref name="type"/> (that satisfies <paramref name="match"/>) arrives.</summary>
    public async Task<JObject> ReceiveAsync(string type, Func<JObject, bool>? match = null)
    {
        while (true)
        {
            var message = await ReceiveAsync();
            if ((string?)message["type"] == type && (match is null || match(message)))
            {
                return message;
            }
        }
    }

    public Task SendAsync(string json)
    {
        using var timeout = new CancellationTokenSource(TestServer.Timeout);
        return Socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, timeout.Token);
    }

    public ValueTask DisposeAsync()
    {
        Socket.Abort();
        Socket.Dispose();
        return default;
    }
}
