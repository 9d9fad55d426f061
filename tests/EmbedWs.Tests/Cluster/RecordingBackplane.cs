using System.Collections.Concurrent;
using System.Threading;

namespace EmbedWs.Tests.Cluster;

/// <summary>A backplane that records what the server asks of it, in order, and delivers nothing.</summary>
internal sealed class RecordingBackplane : IWsBackplane
{
    private int _ticks;

    public RecordingBackplane(string nodeId = "n1") => NodeId = nodeId;

    public string NodeId { get; }

    public WsBackplaneNode? Node { get; private set; }

    public bool Stopped { get; private set; }

    /// <summary>The server's open connections when StopAsync was called.</summary>
    public int ConnectionsAtStop { get; private set; } = -1;

    public int Ticks => Volatile.Read(ref _ticks);

    /// <summary>
    /// Every call, as "all 8102hi", "group g 8102hi", "one n2:7 8102hi", "close n2:7 4000 bye",
    /// "first g", "last g"; a frame sent with another class than reliable ends with it, as in
    /// "all 8102hi Droppable" or "group g 8102hi Latest(k)".
    /// </summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public Task StartAsync(WsBackplaneNode node, CancellationToken cancellationToken)
    {
        Node = node;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Stopped = true;
        ConnectionsAtStop = Node!.Server.ConnectionCount;
        return Task.CompletedTask;
    }

    public void PublishToAll(ReadOnlySpan<byte> frame, WsDelivery delivery) => Calls.Enqueue("all " + Convert.ToHexString(frame) + Class(delivery));

    public void PublishToGroup(string group, ReadOnlySpan<byte> frame, WsDelivery delivery) =>
        Calls.Enqueue($"group {group} {Convert.ToHexString(frame)}{Class(delivery)}");

    public void PublishToConnection(string nodeId, long connectionId, ReadOnlySpan<byte> frame, WsDelivery delivery) =>
        Calls.Enqueue($"one {nodeId}:{connectionId} {Convert.ToHexString(frame)}{Class(delivery)}");

    public void PublishClose(string nodeId, long connectionId, ushort code, string? reason) =>
        Calls.Enqueue($"close {nodeId}:{connectionId} {code} {reason}");

    public void OnFirstLocalMember(string group) => Calls.Enqueue("first " + group);

    public void OnLastLocalMemberLeft(string group) => Calls.Enqueue("last " + group);

    public void OnTick() => Interlocked.Increment(ref _ticks);

    public ValueTask<long> CountConnectionsAsync(CancellationToken cancellationToken) => new(42);

    public ValueTask<long> CountGroupMembersAsync(string group, CancellationToken cancellationToken) => new(group.Length);

    private static string Class(WsDelivery delivery) => delivery.IsReliable ? string.Empty : " " + delivery;
}
