using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Channels;
using EmbedWs.Transport;

namespace EmbedWs.Tests.TestSupport;

// A WsServer on 127.0.0.1 port 0 that keeps every event (nothing is consumed by waiting), so a
// test can wait for the next connection, for one connection's close, or check at the end that
// each connection got exactly one OnClose. Every wait is bounded by Timeout.
internal sealed class RecordingServer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Channel<IWsConnection> _connects = Channel.CreateUnbounded<IWsConnection>();
    private readonly Channel<(IWsConnection? Connection, Exception Error)> _errors = Channel.CreateUnbounded<(IWsConnection?, Exception)>();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<WsCloseInfo>> _closed = new();
    private readonly SemaphoreSlim _closeSignal = new(0);
    private int _connectCount;

    private RecordingServer(WsServer server)
    {
        Server = server;
        server.OnConnect += c =>
        {
            Interlocked.Increment(ref _connectCount);
            AllConnections.Enqueue(c);
            _connects.Writer.TryWrite(c);
        };
        server.OnClose += (c, close) =>
        {
            AllCloses.Enqueue((c.Id, close));
            CloseSource(c.Id).TrySetResult(close);
            _closeSignal.Release();
        };
        server.OnError += (c, ex) => _errors.Writer.TryWrite((c, ex));
    }

    public WsServer Server { get; }

    public int Port => Server.Port;

    public int ConnectCount => Volatile.Read(ref _connectCount);

    public ConcurrentQueue<IWsConnection> AllConnections { get; } = new();

    // Every OnClose, in order, with the connection's id.
    public ConcurrentQueue<(long Id, WsCloseInfo Close)> AllCloses { get; } = new();

    public static async Task<RecordingServer> StartAsync(Action<WsServerOptions>? configure = null, Action<WsServer>? wire = null)
    {
        var options = new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) };
        configure?.Invoke(options);
        var server = new WsServer(options);
        var recording = new RecordingServer(server);
        wire?.Invoke(server);
        await server.StartAsync();
        return recording;
    }

    // Text back as text, binary as binary.
    public static Task<RecordingServer> StartEchoAsync(Action<WsServerOptions>? configure = null, Action<WsServer>? wire = null) =>
        StartAsync(configure, s =>
        {
            s.OnMessage += Echo;
            wire?.Invoke(s);
        });

    public static void Echo(IWsConnection c, WsMessage m)
    {
        if (m.IsText)
        {
            c.Send(m.Text);
        }
        else
        {
            c.Send(m.Data);
        }
    }

    public async Task<IWsConnection> NextConnectionAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            return await _connects.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("OnConnect was not raised in time");
            throw;
        }
    }

    public async Task<(IWsConnection? Connection, Exception Error)> NextErrorAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            return await _errors.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("OnError was not raised in time");
            throw;
        }
    }

    public bool HasErrors => _errors.Reader.Count > 0;

    // The OnClose of that connection; waits for it when it has not happened yet.
    public async Task<WsCloseInfo> CloseOfAsync(IWsConnection connection)
    {
        var task = CloseSource(connection.Id).Task;
        var done = await Task.WhenAny(task, Task.Delay(Timeout));
        Assert.That(done, Is.SameAs(task), $"OnClose of connection {connection.Id} was not raised in time");
        return await task;
    }

    // Waits (bounded) until count OnClose events were raised in all.
    public async Task WaitCloseCountAsync(int count)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (AllCloses.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.That(left > TimeSpan.Zero && await _closeSignal.WaitAsync(left), Is.True,
                $"only {AllCloses.Count} of {count} OnClose events in time");
        }
    }

    // After a bad client, the (echo) server must still serve: a fresh connection opens, a
    // message is echoed, and a clean close completes.
    public async Task AssertStillServesAsync()
    {
        await using var client = await RawClient.OpenAsync(Port);
        var connection = await NextConnectionAsync();
        await client.SendAsync(ClientFrame.Text("still serving"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("still serving"));
        await client.SendAsync(ClientFrame.Close(1000));
        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1000));
        await client.AssertServerClosedAsync(Timeout);
        Assert.That((await CloseOfAsync(connection)).Code, Is.EqualTo(1000));
    }

    // Stops the server (every OnClose has been raised when StopAsync returns), then checks the
    // guarantee: exactly one OnClose for every OnConnect.
    public async Task StopAndAssertOneClosePerConnectionAsync()
    {
        await StopAsync();
        var closesById = AllCloses.GroupBy(c => c.Id).ToDictionary(g => g.Key, g => g.Count());
        foreach (var c in AllConnections)
        {
            Assert.That(closesById.GetValueOrDefault(c.Id), Is.EqualTo(1), $"OnClose count of connection {c.Id}");
        }

        Assert.That(closesById.Keys, Is.SubsetOf(AllConnections.Select(c => c.Id)), "OnClose for a connection never opened");
        Assert.That(Server.ConnectionCount, Is.Zero);
    }

    // StopAsync, bounded: a stop that hangs fails the test instead of hanging the run.
    public Task StopAsync() => Bounded(Server.StopAsync(), "StopAsync");

    public static async Task Bounded(Task task, string what)
    {
        Assert.That(await Task.WhenAny(task, Task.Delay(Timeout)), Is.SameAs(task), $"{what} did not finish in time");
        await task;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private TaskCompletionSource<WsCloseInfo> CloseSource(long id) =>
        _closed.GetOrAdd(id, _ => new TaskCompletionSource<WsCloseInfo>(TaskCreationOptions.RunContinuationsAsynchronously));
}
