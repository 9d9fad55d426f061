using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Samples.GameLoop;

/// <summary>
/// A fixed-tick game server: one dedicated thread ("game-loop") runs every tick as pump the
/// network events, step the <see cref="World"/>, broadcast it. The server's dispatch is Queued,
/// so every handler (connect, the <c>move</c> and <c>hello</c> routes, close) runs inside
/// <c>PumpEvents</c> on that thread and may touch the world without a lock. Public so that
/// tests can run it in process. Its members are safe to call from any thread.
/// </summary>
public sealed class GameHost : IAsyncDisposable
{
    /// <summary>The name of the loop's thread, and what <c>hello</c> replies when all is well.</summary>
    public const string LoopThreadName = "game-loop";

    /// <summary>Ticks per second when none is given.</summary>
    public const int DefaultTickRate = 20;

    // A tick runs at most this many network events, so a flood of messages cannot stall the
    // world; the rest wait for the next tick (and past MaxQueuedEvents the sockets pause).
    private const int MaxEventsPerTick = 4096;

    // When the loop falls this many ticks behind (a debugger pause, a slow machine), it drops
    // them instead of running them back to back.
    private const int MaxTicksBehind = 5;

    private readonly WsServer _server;
    private readonly World _world;
    private readonly TextWriter? _log;
    private readonly TimeSpan _period;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stopLoop = new();
    private readonly TaskCompletionSource<Exception?> _loopEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _tick;
    private int _players;
    private long _handlerCalls;
    private long _offThreadHandlerCalls;
    private int _started;

    private GameHost(WsServer server, World world, int tickRate, TextWriter? log)
    {
        _server = server;
        _world = world;
        _log = log;
        TickRate = tickRate;
        _period = TimeSpan.FromSeconds(1.0 / tickRate);
        _thread = new Thread(RunLoop) { Name = LoopThreadName, IsBackground = true };
    }

    /// <summary>The server; its dispatch is Queued and its events are pumped by the loop only.</summary>
    public WsServer Server => _server;

    /// <summary>The port listened on (the real one when 0 was asked); 0 before start.</summary>
    public int Port => _server.Port;

    /// <summary>Ticks per second.</summary>
    public int TickRate { get; }

    /// <summary>The last tick run (and broadcast); 0 before the first.</summary>
    public long Tick => Volatile.Read(ref _tick);

    /// <summary>Players in the world at the end of the last tick.</summary>
    public int PlayerCount => Volatile.Read(ref _players);

    /// <summary>Handler invocations so far (connect, move, hello, close).</summary>
    public long HandlerCalls => Interlocked.Read(ref _handlerCalls);

    /// <summary>Handler invocations that ran on another thread than the loop's. Always 0 unless dispatch is broken.</summary>
    public long OffThreadHandlerCalls => Interlocked.Read(ref _offThreadHandlerCalls);

    /// <summary>Completes when the loop's thread has ended: with null after a stop, or with the exception that ended it.</summary>
    public Task<Exception?> LoopEnded => _loopEnded.Task;

    /// <summary>
    /// Creates (does not start) a game host. <paramref name="options"/> says where to listen; its
    /// <see cref="WsServerOptions.Dispatch"/> is set to Queued and its
    /// <see cref="WsServerOptions.HttpHandler"/> to the page at <c>/</c>.
    /// </summary>
    /// <param name="options">Endpoint or Url and limits.</param>
    /// <param name="tickRate">Ticks per second, 1 to 1000.</param>
    /// <param name="log">Where to write one line per join, rename, leave and error; null for nowhere.</param>
    /// <param name="seed">Seeds the spawn positions; null for random.</param>
    public static GameHost Create(WsServerOptions options, int tickRate = DefaultTickRate, TextWriter? log = null, int? seed = null)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (tickRate is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(tickRate), tickRate, "The tick rate must be from 1 to 1000.");
        }

        options.Dispatch = EventDispatch.Queued;
        options.HttpHandler = GamePage.ServeAsync;
        var host = new GameHost(new WsServer(options), new World(tickRate, seed), tickRate, log is null ? null : TextWriter.Synchronized(log));
        host.Wire();
        return host;
    }

    /// <summary>Starts listening, then starts the loop's thread. A host starts once.</summary>
    public async Task StartAsync()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The game host was already started.");
        }

        try
        {
            await _server.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            // No loop will run: StopAsync and LoopEnded must not wait for one.
            _loopEnded.TrySetResult(null);
            throw;
        }

        _thread.Start();
    }

    /// <summary>
    /// Stops: the server first, while the loop still pumps, so that every client gets 1001 and
    /// its close handler runs on the loop's thread; then the loop, which pumps what is left
    /// (those close events) before its thread ends. Completes when the thread has ended.
    /// </summary>
    /// <param name="cancellationToken">Cuts the server's wait for clients short (see <see cref="WsServer.StopAsync"/>).</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _server.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _stopLoop.Cancel();
        }

        if (Volatile.Read(ref _started) != 0)
        {
            await _loopEnded.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Stops the host (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private void Wire()
    {
        _server.OnConnect += c =>
        {
            EnterHandler("connect");
            var p = _world.Spawn(c.Id);
            Log($"#{c.Id} joined from {c.Info.RemoteEndPoint} at ({p.X:0.#}, {p.Y:0.#})");
        };
        _server.Route<MoveInput>("move", (c, m) =>
        {
            EnterHandler("move");
            _world.SetVelocity(c.Id, m?.Dx ?? 0, m?.Dy ?? 0);
        });
        _server.Route<HelloRequest, HelloReply>("hello", (c, r) =>
        {
            EnterHandler("hello");
            string name = _world.Rename(c.Id, r?.Name) ?? string.Empty;
            Log($"#{c.Id} is {name}");
            return new HelloReply(c.Id, name, Thread.CurrentThread.Name ?? "(unnamed)");
        });
        _server.OnClose += (c, close) =>
        {
            EnterHandler("close");
            _world.Remove(c.Id);
            Log($"#{c.Id} left: {close}");
        };

        // Routing errors (bad JSON, unknown type) and handler exceptions: the client got an error
        // reply when it asked with an id; the game goes on either way.
        _server.OnError += (c, ex) => Log($"#{c?.Id.ToString() ?? "-"} error: {ex.Message}");
    }

    // Every handler starts here: count it, and complain when it is not on the loop's thread.
    private void EnterHandler(string handler)
    {
        Interlocked.Increment(ref _handlerCalls);
        if (Thread.CurrentThread != _thread)
        {
            Interlocked.Increment(ref _offThreadHandlerCalls);
            Log($"warning: the {handler} handler ran on thread '{Thread.CurrentThread.Name}' " +
                $"(#{Environment.CurrentManagedThreadId}), not on {LoopThreadName}");
        }
    }

    private void RunLoop()
    {
        var clock = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        try
        {
            while (!_stopLoop.IsCancellationRequested)
            {
                RunTick();
                next += _period;
                var now = clock.Elapsed;
                if (now - next > MaxTicksBehind * _period)
                {
                    next = now;
                }

                if (next > now)
                {
                    // The wait between ticks; a stop ends it at once.
                    _stopLoop.Token.WaitHandle.WaitOne(next - now);
                }
            }

            // StopAsync stopped the server before the loop: the close events of its clients
            // are queued now, and they run here, on this thread, like every other handler.
            _server.PumpEvents();
            Volatile.Write(ref _players, _world.PlayerCount);
            _loopEnded.TrySetResult(null);
        }
        catch (Exception ex)
        {
            Log($"the game loop failed: {ex}");
            _loopEnded.TrySetResult(ex);
        }
    }

    private void RunTick()
    {
        _server.PumpEvents(MaxEventsPerTick);
        _world.Step();
        Volatile.Write(ref _players, _world.PlayerCount);
        Volatile.Write(ref _tick, _world.Tick);

        // Serialized once, queued to every client; completes at once (it never waits for a
        // socket), so the loop does not wait either. Latest by key: for a client that reads
        // slowly, each world replaces the one still waiting in its queue, so it gets the newest
        // state instead of a backlog, and is never closed as a slow consumer.
        if (_server.ConnectionCount > 0)
        {
            _server.BroadcastJson("world", _world.Snapshot(), s_world);
        }
    }

    private static readonly WsDelivery s_world = WsDelivery.Latest("world");

    private void Log(string line) => _log?.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {line}");
}
