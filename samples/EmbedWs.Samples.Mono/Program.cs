using System;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Threading;

namespace EmbedWs.Samples.Mono;

/// <summary>
/// A game-style host on Mono: Queued dispatch, every handler run by the program's own loop
/// (PumpEvents with a 2 ms budget per frame); echo on any path, JSON routes on /rpc, a room as
/// a group, protocol ping/pong heartbeat. A line "stop" on standard input stops it with 1001.
/// Arguments: --port N (default 8080), --heartbeat S (ping after S seconds of silence, timeout S; default 15).
/// </summary>
internal static class Program
{
    private static int _loopThread;
    private static long _frames;

    private static int Main(string[] args)
    {
        int port = 8080;
        double heartbeat = 15;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            bool ok = args[i] switch
            {
                "--port" => int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out port),
                "--heartbeat" => double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out heartbeat),
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine($"Bad argument '{args[i]}'. Usage: EmbedWs.Samples.Mono [--port N] [--heartbeat S]");
                return 2;
            }
        }

        var server = new WsServer(new WsServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, port),
            Dispatch = EventDispatch.Queued,
            RoutePath = "/rpc",
            Heartbeat = HeartbeatPolicy.PingPong(TimeSpan.FromSeconds(heartbeat), TimeSpan.FromSeconds(heartbeat)),
            LoggerFactory = new ConsoleLog(),
        });
        Wire(server);
        server.StartAsync().GetAwaiter().GetResult();

        // Stops on "stop" (or the end of input) from a thread of its own; the loop only looks at the flag.
        int stop = 0;
        var reader = new Thread(() =>
        {
            string? line;
            while ((line = Console.ReadLine()) is not null && line != "stop")
            {
            }

            Volatile.Write(ref stop, 1);
        }) { IsBackground = true };
        reader.Start();

        _loopThread = Environment.CurrentManagedThreadId;
        Console.WriteLine($"EmbedWs on {RuntimeInformation.FrameworkDescription} listening on ws://127.0.0.1:{server.Port}/ (JSON routes on /rpc)");
        Console.WriteLine($"ReadOnlySpan<T> indexer: {SpanIndexer()}");
        while (Volatile.Read(ref stop) == 0)
        {
            // One frame: the server's events get at most 2 ms of it.
            server.PumpEvents(TimeSpan.FromMilliseconds(2));
            Interlocked.Increment(ref _frames);
            Thread.Sleep(5);
        }

        Console.WriteLine($"Stopping: closing {server.ConnectionCount} connection(s) with 1001...");
        bool stopped = server.Stop(TimeSpan.FromSeconds(5));
        server.PumpEvents();
        Console.WriteLine(stopped ? "Stopped." : "Stopped, some connections dropped.");
        return 0;
    }

    private static void Wire(WsServer server)
    {
        server.OnConnect += c => Console.WriteLine($"#{c.Id} connected on {c.Info.Path}{Where()}");
        server.OnClose += (c, close) => Console.WriteLine($"#{c.Id} closed {close.Code}{Where()}");
        server.OnMessage += (c, m) => _ = m.IsText ? c.Send(m.Text) : c.Send(m.Data);
        server.Route<AddRequest, AddReply>("math.add", (c, r) => new AddReply { Sum = r.A + r.B });
        server.Route<RoomJoin, int>("room.join", (c, r) =>
        {
            server.Groups.Add(c, r.Room);
            return server.Groups.Count(r.Room);
        });
        server.Route<RoomSay>("room.say", (c, r) => server.Groups.SendJson(r.Room, "room.message", new RoomMessage { From = c.Id, Text = r.Text }));
        server.Route<LoopCheck, LoopCheck>("loop.check", (c, r) => new LoopCheck
        {
            OnLoopThread = Environment.CurrentManagedThreadId == _loopThread,
            Frames = Interlocked.Read(ref _frames),
        });
    }

    // Debian's Mono 6.8 mscorlib declares the ReadOnlySpan<T> indexer as returning `ref T`, without
    // the modreq(InAttribute) that csc writes for `ref readonly` (as Mono's own compiler, mcs,
    // leaves it out), so code compiled by csc that indexes a ReadOnlySpan<T> (EmbedWs included)
    // does not bind to it: MissingMethodException. docs/engines-and-aot.md has the details.
    private static string SpanIndexer()
    {
        try
        {
            return Index(new byte[] { 42 }) == 42 ? "ok" : "wrong value";
        }
        catch (MissingMethodException ex)
        {
            return "missing (" + ex.Message + ")";
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static byte Index(ReadOnlySpan<byte> span) => span[0];

    private static string Where() => Environment.CurrentManagedThreadId == _loopThread ? " (loop thread)" : " (another thread)";
}
