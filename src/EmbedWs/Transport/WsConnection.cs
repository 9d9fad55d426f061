using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Protocol;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Transport;

/// <summary>
/// One WebSocket connection after its handshake: a read loop (<c>WsConnection.Receive.cs</c>),
/// a serialized writer (<c>WsConnection.Send.cs</c>) and the closing handshake
/// (<c>WsConnection.Close.cs</c>). Public members are safe from any thread.
/// </summary>
internal sealed partial class WsConnection : IWsConnection
{
    private readonly Stream _stream;
    private readonly Socket? _socket;

    // The socket when nothing (TLS) sits between it and the stream: large sends may go to it directly.
    private readonly Socket? _plainSocket;
    private readonly TransportSettings _settings;
    private readonly IConnectionEvents _events;
    private readonly ILogger _logger;
    private static readonly TaskCompletionSource<bool> s_completed = CreateCompleted();

    // Created when someone asks for Completion (the server, when it stops); s_completed once the
    // connection ended. An idle connection nobody waits on holds no task.
    private TaskCompletionSource<bool>? _completion;
    private ConcurrentDictionary<string, object?>? _items;

    public WsConnection(long id, Stream stream, Socket? socket, WsConnectionInfo info, TransportSettings settings,
        IConnectionEvents events, ILogger logger)
    {
        Id = id;
        _stream = stream;
        _socket = socket;
        _plainSocket = stream is NetworkStream ? socket : null;
        Info = info;
        _settings = settings;
        _events = events;
        _logger = logger;
    }

    public long Id { get; }

    /// <summary>The TCP socket, when there is one; for tests that need to shape it.</summary>
    internal Socket? Socket => _socket;

    /// <summary>Who receives this connection's events (the server); lets upper layers find their server.</summary>
    internal IConnectionEvents Owner => _events;

    public WsConnectionInfo Info { get; }

    public WsConnectionState State => (WsConnectionState)Volatile.Read(ref _state);

    public IDictionary<string, object?> Items
    {
        get
        {
            var items = _items;
            if (items is null)
            {
                Interlocked.CompareExchange(ref _items, new ConcurrentDictionary<string, object?>(), null);
                items = _items;
            }

            return items!;
        }
    }

    public TimeSpan? RoundTripTime
    {
        get
        {
            long ticks = Volatile.Read(ref _roundTripTicks);
            return ticks < 0 ? null : TimeSpan.FromTicks(ticks);
        }

        internal set => Volatile.Write(ref _roundTripTicks, value?.Ticks ?? -1);
    }

    private long _roundTripTicks = -1;

    /// <summary>The dispatcher's per-connection state (its mailbox).</summary>
    internal object? DispatchState { get; set; }

    /// <summary>The heartbeat policy's own per-connection state.</summary>
    internal object? HeartbeatState { get; set; }

    /// <summary>Queues a protocol ping (§5.5.2); false when the connection no longer sends.</summary>
    internal bool SendPing(ReadOnlySpan<byte> payload) => Enqueue(WsOpcode.Ping, payload, null);

    /// <summary>Completes after OnClose was raised and every buffer was returned.</summary>
    public Task Completion
    {
        get
        {
            var completion = Volatile.Read(ref _completion);
            if (completion is null)
            {
                var created = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                completion = Interlocked.CompareExchange(ref _completion, created, null) ?? created;
            }

            return completion.Task;
        }
    }

    /// <summary>Completes <see cref="Completion"/>, whether or not it was asked for yet.</summary>
    private void SetCompleted() => Interlocked.Exchange(ref _completion, s_completed)?.TrySetResult(true);

    private static TaskCompletionSource<bool> CreateCompleted()
    {
        var completed = new TaskCompletionSource<bool>();
        completed.SetResult(true);
        return completed;
    }

    /// <summary>
    /// Runs the connection to its end: raises OnOpened, reads until the connection closes, then
    /// raises OnClosed exactly once. <paramref name="initial"/> holds bytes read with the handshake.
    /// The task never faults (a failure is logged), so the listener need not await it.
    /// </summary>
    public Task RunAsync(byte[] initial, int initialLength, IDictionary<string, object?>? items)
    {
        if (items is { Count: > 0 })
        {
            foreach (var pair in items)
            {
                Items[pair.Key] = pair.Value;
            }
        }

        LastReceivedTimestamp = _settings.TimeProvider.GetTimestamp();
        ConnectedAt = _settings.TimeProvider.GetUtcNow();

        // One state machine for the connection's whole life (ReceiveLoopAsync raises OnOpened
        // and completes the connection): an idle connection holds one box, not two.
        return ReceiveLoopAsync(initial, initialLength);
    }

    public override string ToString() => $"#{Id} {Info}";
}
