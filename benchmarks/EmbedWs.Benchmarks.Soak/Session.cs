using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Benchmarks.Load;

namespace EmbedWs.Benchmarks.Soak;

/// <summary>What the server said it sent, in its answer to "bye".</summary>
internal readonly record struct ByeAnswer(int Echoes, int Pushes, int NextTick);

/// <summary>
/// One client connection: a receive loop that checks every message as it comes (three
/// <see cref="SequenceCheck"/>s: echo, push, tick) and answers pings unless told to be silent,
/// and the sends of the behaviour that owns it. Sends are serialized by a lock, so pongs and
/// echo messages never interleave.
/// </summary>
internal sealed class Session : IMessageSink
{
    private const int ReceiveBufferSize = 8192;
    private static readonly byte[] s_byeFrame = WsClient.BuildFrame(1, Encoding.ASCII.GetBytes(Wire.Bye));
    private static readonly byte[] s_closeFrame = WsClient.BuildFrame(8, new byte[] { 0x03, 0xE8 }); // 1000

    private readonly ClientStats _stats;
    private readonly byte[] _leftover;
    private readonly FrameScanner _scanner = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource _welcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<ByeAnswer> _byeAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _serverEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ArrayBufferWriter<byte>? _pongs;
    private bool _welcomed;
    private bool _finished;
    private long _echoSent;

    private Session(Socket socket, byte[] leftover, ClientStats stats)
    {
        Socket = socket;
        _leftover = leftover;
        _stats = stats;
        Echo = new SequenceCheck(stats.Echo);
        Push = new SequenceCheck(stats.Push);
        Tick = new SequenceCheck(stats.Tick);
        ConnectedAt = Stopwatch.GetTimestamp();
    }

    public Socket Socket { get; }
    public SequenceCheck Echo { get; }
    public SequenceCheck Push { get; }
    public SequenceCheck Tick { get; }
    public long ConnectedAt { get; }

    /// <summary>Set before the first ping can come: pings go unanswered, and the heartbeat should close the connection.</summary>
    public volatile bool Silent;

    /// <summary>The server's close frame: its code (0 when none came) and reason, and when it came.</summary>
    public ushort CloseCode { get; private set; }
    public string CloseReason { get; private set; } = "";
    public long CloseFrameAt { get; private set; }

    /// <summary>How the receive loop ended: "fin", a socket error, "disposed".</summary>
    public string EndReason { get; private set; } = "";

    public long EchoSent => Volatile.Read(ref _echoSent);
    public Task Welcomed => _welcome.Task;
    public Task<ByeAnswer> ByeAnswered => _byeAnswer.Task;

    /// <summary>The server's close frame came, or the TCP connection ended.</summary>
    public Task ServerEnded => _serverEnded.Task;

    /// <summary>The receive loop is over; the checks may be read.</summary>
    public Task Ended => _ended.Task;

    public static async Task<Session> ConnectAsync(IPEndPoint server, byte[] request, IPAddress source, ClientStats stats, CancellationToken ct)
    {
        var (socket, leftover) = await WsClient.ConnectAsync(server, request, ct, source);
        var session = new Session(socket, leftover, stats);
        _ = Task.Run(session.ReceiveLoopAsync, CancellationToken.None);
        return session;
    }

    /// <summary>Sends <paramref name="count"/> echo messages in one write.</summary>
    public async Task SendEchoesAsync(int count, CancellationToken ct)
    {
        var frames = new ArrayBufferWriter<byte>();
        long first = Volatile.Read(ref _echoSent);
        for (long seq = first; seq < first + count; seq++)
        {
            int size = Wire.EchoSize(seq);
            var payload = ArrayPool<byte>.Shared.Rent(size);
            payload.AsSpan(0, size).Fill(0x5A);
            Wire.WriteEcho(payload, seq);
            frames.Write(WsClient.BuildFrame(2, payload.AsSpan(0, size)));
            ArrayPool<byte>.Shared.Return(payload);
        }

        // Counted before the write: once on the wire, an echo may come back before the write returns.
        Volatile.Write(ref _echoSent, first + count);
        Interlocked.Add(ref _stats.EchoSent, count);
        await SendAsync(frames.WrittenMemory, ct);
    }

    public Task SendByeAsync(CancellationToken ct) => SendAsync(s_byeFrame, ct);

    public Task SendCloseAsync(CancellationToken ct) => SendAsync(s_closeFrame, ct);

    /// <summary>Closes the socket with a TCP reset (linger on, zero seconds): no close frame, no FIN, no TIME_WAIT.</summary>
    public void Reset()
    {
        try
        {
            Socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        Socket.Dispose();
    }

    private async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct);
        try
        {
            await WsClient.SendAllAsync(Socket, bytes, ct);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        try
        {
            await ReceiveAsync(_leftover);
            while (true)
            {
                int n = await Socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
                if (n == 0)
                {
                    EndReason = "fin";
                    break;
                }

                await ReceiveAsync(buffer.AsMemory(0, n));
            }
        }
        catch (SocketException ex)
        {
            EndReason = ex.SocketErrorCode.ToString();
        }
        catch (ObjectDisposedException)
        {
            EndReason = "disposed";
        }
        catch (OperationCanceledException)
        {
            EndReason = "cancelled";
        }
        finally
        {
            // The socket no longer reads into it: safe to give back.
            ArrayPool<byte>.Shared.Return(buffer);
            _serverEnded.TrySetResult();
            _ended.TrySetResult();
        }
    }

    private async ValueTask ReceiveAsync(ReadOnlyMemory<byte> data)
    {
        _scanner.Scan(data.Span, this);
        if (_pongs is { WrittenCount: > 0 } pongs)
        {
            var frames = pongs.WrittenMemory.ToArray();
            pongs.Clear();
            await SendAsync(frames, CancellationToken.None);
        }
    }

    public void OnMessage(long length, ReadOnlySpan<byte> prefix)
    {
        if (_finished)
        {
            Bad($"a message after the answer to bye ({length} bytes, '{(prefix.Length > 0 ? (char)prefix[0] : '?')}')");
            return;
        }

        switch (prefix.Length > 0 ? prefix[0] : 0)
        {
            case Wire.Welcome when length == Wire.WelcomeLength && !_welcomed:
                Tick.Start(BinaryPrimitives.ReadInt64LittleEndian(prefix.Slice(1)));
                _welcomed = true;
                _welcome.TrySetResult();
                break;
            case Wire.Echo when length >= 9:
                long seq = BinaryPrimitives.ReadInt64LittleEndian(prefix.Slice(1));
                if (length != Wire.EchoSize(seq))
                {
                    Bad($"echo {seq} came back with {length} bytes, not {Wire.EchoSize(seq)}");
                }

                Echo.Receive(seq);
                break;
            case Wire.Push when length == Wire.PushLength && _welcomed:
                Push.Receive(BinaryPrimitives.ReadInt64LittleEndian(prefix.Slice(1)));
                break;
            case Wire.Tick when length <= 16 && _welcomed && Wire.ParseTick(prefix) >= 0:
                Tick.Receive(Wire.ParseTick(prefix));
                break;
            case Wire.ByeReply when length == Wire.ByeReplyLength:
                var answer = new ByeAnswer(
                    BinaryPrimitives.ReadInt32LittleEndian(prefix.Slice(1)),
                    BinaryPrimitives.ReadInt32LittleEndian(prefix.Slice(5)),
                    BinaryPrimitives.ReadInt32LittleEndian(prefix.Slice(9)));

                // Checked here, on the receive loop, which owns the checks; nothing may follow.
                Echo.Finish(EchoSent);
                Push.Finish(answer.Pushes);
                Tick.Finish(answer.NextTick);
                _finished = true;
                _byeAnswer.TrySetResult(answer);
                break;
            default:
                Bad($"unexpected message: {length} bytes, starting {Convert.ToHexString(prefix)}{(_welcomed ? "" : " (before the welcome)")}");
                break;
        }
    }

    public void OnClose()
    {
    }

    public void OnClose(ReadOnlySpan<byte> payload)
    {
        CloseCode = payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : (ushort)1005;
        CloseReason = payload.Length > 2 ? Encoding.UTF8.GetString(payload.Slice(2)) : "";
        CloseFrameAt = Stopwatch.GetTimestamp();
        _serverEnded.TrySetResult();
    }

    public void OnPing(ReadOnlySpan<byte> payload)
    {
        Interlocked.Increment(ref _stats.Pings);
        if (!Silent)
        {
            (_pongs ??= new ArrayBufferWriter<byte>()).Write(WsClient.BuildFrame(0xA, payload));
        }
    }

    /// <summary>
    /// Called once the receive loop is over, for a connection that did not end with the 'B'
    /// answer: what was on its way is not counted, holes are.
    /// </summary>
    public void Abandon()
    {
        Echo.Abandon();
        Push.Abandon();
        Tick.Abandon();
    }

    private void Bad(string what)
    {
        Interlocked.Increment(ref _stats.Corrupt);
        _stats.Problem(what);
    }
}
