using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Threading;
using EmbedWs;
using EmbedWs.Transport;

namespace EmbedWs.Tests.TestSupport;

/// <summary>
/// A started WsServer on 127.0.0.1 port 0 that records its events, with waits bounded by a
/// timeout. Dispose stops it.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private TestServer(WsServer server)
    {
        Server = server;
        server.OnConnect += c => { Connected.Add(c); ConnectedSignal.Release(); };
        server.OnClose += (c, close) => { Closes.Enqueue((c, close)); ClosedSignal.Release(); };
        server.OnError += (c, ex) => Errors.Enqueue(ex);
    }

    public WsServer Server { get; }

    public ConcurrentBag<IWsConnection> Connected { get; } = new();

    public ConcurrentQueue<(IWsConnection Connection, WsCloseInfo Close)> Closes { get; } = new();

    public ConcurrentQueue<Exception> Errors { get; } = new();

    public SemaphoreSlim ConnectedSignal { get; } = new(0);

    public SemaphoreSlim ClosedSignal { get; } = new(0);

    public int Port => Server.Port;

    public Uri Uri(string path = "/") => new($"ws://127.0.0.1:{Server.Port}{path}");

    /// <summary>Starts a server; <paramref name="configure"/> may change options, <paramref name="wire"/> may add handlers.</summary>
    public static async Task<TestServer> StartAsync(Action<WsServerOptions>? configure = null, Action<WsServer>? wire = null)
    {
        var options = new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) };
        configure?.Invoke(options);
        var server = new WsServer(options);
        var test = new TestServer(server);
        wire?.Invoke(server);
        await server.StartAsync();
        return test;
    }

    /// <summary>An echo server: text back as text, binary as binary.</summary>
    public static Task<TestServer> StartEchoAsync(Action<WsServerOptions>? configure = null) =>
        StartAsync(configure, s => s.OnMessage += (c, m) =>
        {
            if (m.IsText)
            {
                c.Send(m.Text);
            }
            else
            {
                c.Send(m.Data);
            }
        });

    public async Task<(IWsConnection Connection, WsCloseInfo Close)> NextCloseAsync()
    {
        Assert.That(await ClosedSignal.WaitAsync(Timeout), Is.True, "OnClose was not raised in time");
        Assert.That(Closes.TryDequeue(out var item), Is.True);
        return item;
    }

    public async Task WaitConnectedAsync()
    {
        Assert.That(await ConnectedSignal.WaitAsync(Timeout), Is.True, "OnConnect was not raised in time");
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    public static async Task<ClientWebSocket> ConnectClientAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var client = new ClientWebSocket();
        configure?.Invoke(client.Options);
        using var cts = new CancellationTokenSource(Timeout);
        await client.ConnectAsync(uri, cts.Token);
        return client;
    }
}
