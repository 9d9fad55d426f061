using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Runtime;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>
/// The server side of the soak (<c>--server</c>): EmbedWs through its public API with the
/// default options except a short heartbeat, so that silent clients are found within seconds.
/// It echoes binary messages, pushes a numbered message to every connection each
/// <c>--push-ms</c>, broadcasts a numbered tick to each group each <c>--tick-ms</c>, answers
/// "bye" with what it sent (see <see cref="Wire"/>), and serves its own counters as JSON at
/// <c>GET /stats</c>.
/// </summary>
internal sealed class SoakServer
{
    private readonly ServerOptions _o;
    private readonly WsServer _server;
    private readonly ConcurrentDictionary<long, Peer> _peers = new();
    private readonly Group[] _groups;
    private readonly StallWatch _stallWatch = new();
    private readonly long[] _closes = new long[Enum.GetValues<WsCloseCause>().Length];
    private long _connects, _closeWithoutPeer, _messageWithoutPeer, _errors, _echoes, _pushes, _tickDeliveries, _ticks, _byes;
    private string? _firstError;

    private SoakServer(ServerOptions o)
    {
        _o = o;
        _groups = new Group[o.Groups];
        for (int i = 0; i < _groups.Length; i++)
        {
            _groups[i] = new Group(i, "g" + i);
        }

        _server = new WsServer(new WsServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, o.Port),
            Heartbeat = HeartbeatPolicy.PingPong(TimeSpan.FromSeconds(o.HeartbeatInterval), TimeSpan.FromSeconds(o.HeartbeatTimeout)),
            Dispatch = o.Dispatch,
            ListenBacklog = 4096,
            HttpHandler = info => new ValueTask<WsHttpResponse?>(
                info.Path == "/stats" ? Stats(info.Query.ContainsKey("gc"), info.Query.ContainsKey("stalls")) : null),
        });
        _server.OnConnect += OnConnect;
        _server.OnMessage += OnMessage;
        _server.OnClose += OnClose;
        _server.OnError += (c, ex) =>
        {
            Interlocked.Increment(ref _errors);
            Interlocked.CompareExchange(ref _firstError, ex.GetType().Name + ": " + ex.Message, null);
        };
    }

    public static async Task<int> RunAsync(ServerOptions o, CancellationToken stop)
    {
        var soak = new SoakServer(o);
        await soak._server.StartAsync(stop);
        Console.Out.WriteLine($"ready soak 127.0.0.1:{soak._server.Port} pid {Environment.ProcessId} dispatch {o.Dispatch} " +
            $"heartbeat {o.HeartbeatInterval}s/{o.HeartbeatTimeout}s groups {o.Groups} push {o.PushMs}ms tick {o.TickMs}ms");
        Console.Out.Flush();
        var pushing = soak.PushLoopAsync(stop);
        var ticking = soak.TickLoopAsync(stop);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(pushing, ticking);
        await soak._server.StopAsync();
        Console.Out.WriteLine("stopped " + soak.StatsJson());
        return 0;
    }

    private void OnConnect(IWsConnection c)
    {
        var group = _groups[c.Id % _groups.Length];
        var peer = new Peer(c, group);
        var welcome = new byte[Wire.WelcomeLength];

        // Under the group's lock, so that the welcome names exactly the first tick this member gets.
        lock (group.Gate)
        {
            _server.Groups.Add(c, group.Name);
            Wire.WriteWelcome(welcome, group.NextTick, group.Index);
            c.Send(welcome);
        }

        _peers[c.Id] = peer;
        Interlocked.Increment(ref _connects);
    }

    private void OnMessage(IWsConnection c, WsMessage m)
    {
        if (!_peers.TryGetValue(c.Id, out var peer))
        {
            Interlocked.Increment(ref _messageWithoutPeer);
            return;
        }

        if (!m.IsText)
        {
            // Handlers of one connection run one at a time: no lock for its own counter.
            peer.Echoes++;
            long echoes = Interlocked.Increment(ref _echoes);
            c.Send(m.Data);
            if (_o.Fault > 0 && echoes % _o.Fault == 0)
            {
                c.Send(m.Data); // --fault: a duplicate, for the checker to find
            }

            return;
        }

        if (!m.Data.Span.SequenceEqual("bye"u8))
        {
            return;
        }

        var reply = new byte[Wire.ByeReplyLength];
        lock (peer.Group.Gate)
        {
            lock (peer)
            {
                peer.Done = true;
                _server.Groups.Remove(c, peer.Group.Name);
                Wire.WriteByeReply(reply, peer.Echoes, (int)peer.Pushes, (int)peer.Group.NextTick);
                c.Send(reply);
            }
        }

        Interlocked.Increment(ref _byes);
    }

    private void OnClose(IWsConnection c, WsCloseInfo info)
    {
        Interlocked.Increment(ref _closes[(int)info.Cause]);
        if (!_peers.TryRemove(c.Id, out _))
        {
            // OnClose twice, or without OnConnect: the guarantee is exactly one of each.
            Interlocked.Increment(ref _closeWithoutPeer);
        }
    }

    /// <summary>Every <c>--push-ms</c>, one numbered message to every connection, from this loop's thread (not a read loop).</summary>
    private async Task PushLoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_o.PushMs));
        var payload = new byte[Wire.PushLength];
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                foreach (var pair in _peers)
                {
                    var peer = pair.Value;
                    lock (peer)
                    {
                        if (peer.Done)
                        {
                            continue;
                        }

                        Wire.WritePush(payload, peer.Pushes);
                        if (_o.Fault > 0 && Interlocked.Read(ref _pushes) % _o.Fault == _o.Fault - 1)
                        {
                            // --fault: a push counted but never sent, for the checker to find.
                            peer.Pushes++;
                            Interlocked.Increment(ref _pushes);
                            continue;
                        }

                        if (peer.Connection.Send(payload))
                        {
                            peer.Pushes++;
                            Interlocked.Increment(ref _pushes);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Every <c>--tick-ms</c>, one numbered tick to each group, encoded once per group.</summary>
    private async Task TickLoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_o.TickMs));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                foreach (var group in _groups)
                {
                    lock (group.Gate)
                    {
                        int sent = _server.Groups.Send(group.Name, Wire.TickText(group.NextTick));
                        group.NextTick++;
                        Interlocked.Increment(ref _ticks);
                        Interlocked.Add(ref _tickDeliveries, sent);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// The counters; with <paramref name="collect"/>, after a full compacting collection, to see
    /// what is really retained; with <paramref name="stalls"/>, every stall of the process.
    /// </summary>
    private WsHttpResponse Stats(bool collect, bool stalls)
    {
        if (collect)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        return WsHttpResponse.Text(StatsJson(stalls), "application/json");
    }

    private string StatsJson(bool withStalls = false)
    {
        int members = 0;
        foreach (var group in _groups)
        {
            members += _server.Groups.Count(group.Name);
        }

        var closes = new System.Collections.Generic.Dictionary<string, long>();
        foreach (var cause in Enum.GetValues<WsCloseCause>())
        {
            closes[cause.ToString()] = Interlocked.Read(ref _closes[(int)cause]);
        }

        // Live data after the last full collection (blocking or background): less noisy than the heap, where garbage comes and goes.
        var full = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var background = GC.GetGCMemoryInfo(GCKind.Background);
        var lastFull = background.Index > full.Index ? background : full;
        return JsonSerializer.Serialize(new
        {
            pid = Environment.ProcessId,
            connections = _server.ConnectionCount,
            peers = _peers.Count,
            groups = _server.Groups.Names.Count,
            groupMembers = members,
            connects = Interlocked.Read(ref _connects),
            closes,
            closeWithoutPeer = Interlocked.Read(ref _closeWithoutPeer),
            messageWithoutPeer = Interlocked.Read(ref _messageWithoutPeer),
            errors = Interlocked.Read(ref _errors),
            firstError = _firstError,
            echoes = Interlocked.Read(ref _echoes),
            pushes = Interlocked.Read(ref _pushes),
            ticks = Interlocked.Read(ref _ticks),
            tickDeliveries = Interlocked.Read(ref _tickDeliveries),
            byes = Interlocked.Read(ref _byes),
            heapBytes = GC.GetTotalMemory(false),
            liveAfterFullGcBytes = lastFull.Index == 0 ? -1 : lastFull.HeapSizeBytes - lastFull.FragmentedBytes,
            committedBytes = GC.GetGCMemoryInfo().TotalCommittedBytes,
            gen2 = GC.CollectionCount(2),
            threadPoolThreads = ThreadPool.ThreadCount,
            stallMaxMs = _stallWatch.MaxMs,
            stallTotalMs = _stallWatch.TotalMs,
            stalls = withStalls ? _stallWatch.Stalls.Select(s => new[] { s.StartUnixMs, s.Ms }).ToArray() : null,
            ioDelayMaxMs = _stallWatch.IoMaxMs,
            ioDelayTotalMs = _stallWatch.IoTotalMs,
            ioDelays = withStalls ? _stallWatch.IoDelays.Select(s => new[] { s.StartUnixMs, s.Ms }).ToArray() : null,
        });
    }

    private sealed class Group
    {
        public Group(int index, string name)
        {
            Index = index;
            Name = name;
        }

        public readonly object Gate = new();
        public readonly int Index;
        public readonly string Name;
        public long NextTick;
    }

    /// <summary>One connection's push stream. Locked (itself) where a push and the bye answer must not cross.</summary>
    private sealed class Peer
    {
        public Peer(IWsConnection connection, Group group)
        {
            Connection = connection;
            Group = group;
        }

        public IWsConnection Connection { get; }
        public Group Group { get; }
        public int Echoes;
        public long Pushes;
        public bool Done;
    }
}

/// <summary>The server's command line: <c>--server --port P [--heartbeat 5] [--heartbeat-timeout 5] [--groups 10] [--push-ms 1000] [--tick-ms 250] [--dispatch threadpool|inline] [--fault N]</c>.</summary>
internal sealed class ServerOptions
{
    public int Port { get; set; }
    public double HeartbeatInterval { get; set; } = 5;
    public double HeartbeatTimeout { get; set; } = 5;
    public int Groups { get; set; } = 10;
    public int PushMs { get; set; } = 1000;
    public int TickMs { get; set; } = 250;
    public EventDispatch Dispatch { get; set; } = EventDispatch.Inline;

    /// <summary>Tests the checker: every Nth push is skipped and every Nth echo sent twice (0: never).</summary>
    public int Fault { get; set; }
}
