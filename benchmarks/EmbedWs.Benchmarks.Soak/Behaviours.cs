using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Benchmarks.Load;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>
/// One slot of the population: it opens a connection, gives it a behaviour, lets it end, and
/// opens the next, until the run stops. The behaviours:
/// <list type="bullet">
/// <item>chat (55 %): echo messages at <c>--rate</c> per second for 5 to 40 s, then "bye" and a
/// normal close (70 %) or a TCP reset in the middle of a burst (30 %);</item>
/// <item>idle (20 %): sends nothing for 12 to 40 s but answers pings (the heartbeat must leave it
/// alone), then "bye" and a normal close;</item>
/// <item>silent (25 %): answers no ping and sends nothing: the heartbeat must close it with 1001.</item>
/// </list>
/// When the run stops, chat and idle connections say "bye" and close normally (so their streams
/// are checked to the last message) and silent ones are reset.
/// </summary>
internal sealed class Behaviours
{
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_answerTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_closeTimeout = TimeSpan.FromSeconds(15);

    private readonly DriverOptions _o;
    private readonly ClientStats _stats;
    private readonly byte[] _request;
    private readonly CancellationToken _stop;
    private readonly CancellationToken _hard;
    private readonly TimeSpan _silentLimit;

    public Behaviours(DriverOptions o, ClientStats stats, CancellationToken stop, CancellationToken hard)
    {
        _o = o;
        _stats = stats;
        _stop = stop;
        _hard = hard;
        _request = WsClient.UpgradeRequest(o.Path, o.HostHeader);

        // A ping after interval, the verdict after timeout, on a tick of at most a quarter of the
        // shorter one; then generous room for a loaded machine.
        _silentLimit = TimeSpan.FromSeconds(o.HeartbeatInterval + o.HeartbeatTimeout + 15);
    }

    public async Task RunSlotAsync(int index)
    {
        var rng = new Random(unchecked((_o.Seed * 1_000_003) + index));
        if (!await DelayAsync(TimeSpan.FromSeconds(_o.Ramp * index / _o.Connections), _stop))
        {
            return;
        }

        for (int round = 0; !_stop.IsCancellationRequested; round++)
        {
            var source = _o.Sources[(index + round) % _o.Sources.Length];
            Session session;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_hard))
            {
                timeout.CancelAfter(s_connectTimeout);
                try
                {
                    session = await Session.ConnectAsync(_o.EndPoint, _request, source, _stats, timeout.Token);
                }
                catch (Exception ex) when (!_hard.IsCancellationRequested)
                {
                    _stats.TimingFailure(Kinds.Connect, $"from {source}: {ex.GetType().Name}: {ex.Message}");
                    await DelayAsync(TimeSpan.FromSeconds(1), _stop);
                    continue;
                }
            }

            Interlocked.Increment(ref _stats.Opened);
            Interlocked.Increment(ref _stats.Live);
            try
            {
                await RunOneAsync(session, rng);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                if (!_hard.IsCancellationRequested)
                {
                    // A send failed: the server closed or reset the connection under the behaviour.
                    await UnexpectedAsync(session, "send failed: " + ex.GetType().Name + ": " + ex.Message);
                }
            }
            catch (Exception ex)
            {
                // A bug of this tool: counted (it fails the run), and the slot goes on.
                Interlocked.Increment(ref _stats.ClientErrors);
                _stats.Problem("client error: " + ex);
            }
            finally
            {
                // A reset where the behaviour chose one, else as the socket is set (FIN after "bye").
                session.Socket.Dispose();
                Interlocked.Decrement(ref _stats.Live);
            }
        }
    }

    private async Task RunOneAsync(Session s, Random rng)
    {
        double pick = rng.NextDouble();
        if (pick < 0.25)
        {
            await SilentAsync(s);
            return;
        }

        if (!await WhenAsync(s.Welcomed, TimeSpan.FromSeconds(10), _hard))
        {
            _stats.TimingFailure(Kinds.NoWelcome, $"server ended: {s.ServerEnded.IsCompleted}, {s.EndReason}");
            await AbandonAsync(s);
            return;
        }

        if (pick < 0.45)
        {
            Interlocked.Increment(ref _stats.Idles);
            await WhenAsync(s.ServerEnded, TimeSpan.FromSeconds(12 + (rng.NextDouble() * 28)), _stop);
            if (s.ServerEnded.IsCompleted)
            {
                await UnexpectedAsync(s, "idle");
                return;
            }

            await ByeAsync(s);
            return;
        }

        Interlocked.Increment(ref _stats.Chats);
        var until = Stopwatch.GetTimestamp() + (long)((5 + (rng.NextDouble() * 35)) * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until && !_stop.IsCancellationRequested && !s.ServerEnded.IsCompleted)
        {
            int burst = rng.Next(1, 5);
            await s.SendEchoesAsync(burst, _hard);
            double seconds = burst / _o.Rate * (0.5 + rng.NextDouble());

            // Short: WhenAny leaves the delay's timer to run out, where WaitAsync would throw on every pause.
            await Task.WhenAny(s.ServerEnded, Task.Delay(TimeSpan.FromSeconds(seconds), _stop));
        }

        if (s.ServerEnded.IsCompleted)
        {
            await UnexpectedAsync(s, "chatting");
        }
        else if (_stop.IsCancellationRequested || rng.NextDouble() < 0.7)
        {
            await ByeAsync(s);
        }
        else
        {
            // Mid-stream: a burst on its way, echoes and pushes coming back, and the reset.
            await s.SendEchoesAsync(rng.Next(1, 5), _hard);
            s.Reset();
            Interlocked.Increment(ref _stats.Resets);
            await AbandonAsync(s);
        }
    }

    private async Task SilentAsync(Session s)
    {
        s.Silent = true;
        Interlocked.Increment(ref _stats.Silents);
        await WhenAsync(s.ServerEnded, _silentLimit, _stop);
        if (!s.ServerEnded.IsCompleted)
        {
            if (_stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref _stats.StoppedWhileSilent);
            }
            else
            {
                _stats.TimingFailure(Kinds.HeartbeatMissed, $"still open after {_silentLimit.TotalSeconds} s");
            }

            s.Reset();
            await AbandonAsync(s);
            return;
        }

        if (s.CloseCode == 0)
        {
            Interlocked.Increment(ref _stats.HeartbeatWithoutCloseFrame);
            _stats.Problem($"a silent connection ended without a close frame ({s.EndReason})");
        }
        else if (s.CloseCode != 1001)
        {
            await UnexpectedAsync(s, "silent");
            return;
        }
        else
        {
            Interlocked.Increment(ref _stats.HeartbeatCloses);
            _stats.HeartbeatClosedAfter((long)Stopwatch.GetElapsedTime(s.ConnectedAt, s.CloseFrameAt).TotalMilliseconds);
        }

        // A dead peer does not answer the close frame: the server must drop the socket after its CloseTimeout.
        if (!await WhenAsync(s.Ended, s_closeTimeout, _hard))
        {
            _stats.TimingFailure(Kinds.DeadPeerKept, $"{s_closeTimeout.TotalSeconds} s after the server's close frame");
            s.Reset();
        }

        await AbandonAsync(s);
    }

    /// <summary>"bye", the server's account of what it sent (checked on the receive loop), then the closing handshake.</summary>
    private async Task ByeAsync(Session s)
    {
        // A normal close from here on: FIN, not reset.
        s.Socket.LingerState = new LingerOption(false, 0);
        await s.SendByeAsync(_hard);
        await WhenAsync(Task.WhenAny(s.ByeAnswered, s.ServerEnded), s_answerTimeout, _hard);
        if (!s.ByeAnswered.IsCompleted)
        {
            if (s.ServerEnded.IsCompleted)
            {
                await UnexpectedAsync(s, "waiting for the answer to bye");
                return;
            }

            _stats.TimingFailure(Kinds.ByeTimeout, $"{s_answerTimeout.TotalSeconds} s");
            s.Reset();
            await AbandonAsync(s);
            return;
        }

        var answer = await s.ByeAnswered;
        if (answer.Echoes != s.EchoSent)
        {
            Interlocked.Add(ref _stats.EchoesMissingAtServer, Math.Abs(s.EchoSent - answer.Echoes));
            _stats.Problem($"sent {s.EchoSent} echo messages, the server counted {answer.Echoes}");
        }

        await s.SendCloseAsync(_hard);
        if (!await WhenAsync(s.Ended, s_closeTimeout, _hard) || s.CloseCode != 1000)
        {
            _stats.TimingFailure(Kinds.CloseTimeout, $"close code {s.CloseCode}, ended {s.Ended.IsCompleted} ({s.EndReason})");
        }

        Interlocked.Increment(ref _stats.NormalCloses);
    }

    private async Task UnexpectedAsync(Session s, string doing)
    {
        string what = $"while {doing}: close {s.CloseCode} '{s.CloseReason}', {s.EndReason}";
        if (s.CloseCode == 1001 && s.CloseReason == "heartbeat timeout")
        {
            _stats.TimingFailure(Kinds.HeartbeatKilledLive, what);
        }
        else
        {
            Interlocked.Increment(ref _stats.UnexpectedCloses);
            _stats.Problem("the server ended a connection " + what);
        }

        s.Reset();
        await AbandonAsync(s);
    }

    /// <summary>Waits for the receive loop to end (the socket is closed or about to be), then counts the holes.</summary>
    private async Task AbandonAsync(Session s)
    {
        if (await WhenAsync(s.Ended, TimeSpan.FromSeconds(5), _hard))
        {
            s.Abandon();
        }
    }

    /// <summary>True when <paramref name="task"/> completed within <paramref name="time"/>; false on the timeout or <paramref name="ct"/>.</summary>
    private static async Task<bool> WhenAsync(Task task, TimeSpan time, CancellationToken ct)
    {
        try
        {
            // WaitAsync drops its timer when the task completes first: thousands of waits leave no timers behind.
            await task.WaitAsync(time, ct);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
        }

        return task.IsCompleted;
    }

    /// <summary>False when <paramref name="ct"/> ended the wait.</summary>
    private static async Task<bool> DelayAsync(TimeSpan time, CancellationToken ct)
    {
        try
        {
            await Task.Delay(time, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>The timing failures (see <see cref="ClientStats.TimingFailure"/>), as the report names them.</summary>
internal static class Kinds
{
    public const string Connect = "connection not opened within 10 s";
    public const string NoWelcome = "no welcome within 10 s";
    public const string HeartbeatKilledLive = "live connection closed by the heartbeat";
    public const string HeartbeatMissed = "silent connection not closed by the heartbeat in time";
    public const string DeadPeerKept = "silent connection not dropped after the close frame";
    public const string ByeTimeout = "no answer to bye within 30 s";
    public const string CloseTimeout = "closing handshake not done within 15 s";
    public const string Stuck = "slots still running after the grace period";
}
