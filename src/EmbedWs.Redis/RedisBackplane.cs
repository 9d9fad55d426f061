using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace EmbedWs.Redis;

/// <summary>
/// Scale-out over Redis pub/sub: set it as <see cref="WsServerOptions.Backplane"/> of each server
/// (node) of a cluster, and broadcasts, group sends, <see cref="WsServer.SendTo(string, string)"/>
/// and <see cref="WsServer.CloseConnection"/> reach the connections of every node
/// (docs/scale-out.md). A node listens to the broadcast channel, its own channel, and the
/// channel of each group while it has local members; with Redis 7 these are sharded channels.
/// Delivery is at most once, in order per sending node and channel. Losing Redis never closes a
/// client: local delivery goes on, what was meant for other nodes meanwhile is lost and counted
/// (<see cref="Lost"/>), and the connection comes back with backoff, every subscription
/// restored. One backplane per server. Safe from any thread.
/// </summary>
public sealed class RedisBackplane : IWsBackplane, IAsyncDisposable
{
    private static readonly TimeSpan s_attachRetryMax = TimeSpan.FromSeconds(2);

    private readonly RedisBackplaneOptions _options;
    private readonly RedisNames _names;
    private readonly byte[] _node;
    private readonly ILogger _logger;
    private readonly RedisMetrics _metrics;
    private readonly RedisSubscriptions _subscriptions;
    private readonly RedisPresence _presence;
    private readonly CancellationTokenSource _stopping = new();
    private IConnectionMultiplexer? _connection;
    private bool _ownsConnection;
    private WsBackplaneNode? _local;
    private ISubscriber? _subscriber;
    private bool _sharded;
    private volatile bool _connected;
    private long _lostAtFailure;
    private int _started;
    private int _disposed;

    /// <summary>Creates a backplane; it connects when the server starts it.</summary>
    /// <param name="options">Where Redis is, the node id, the channel prefix.</param>
    /// <param name="loggerFactory">Where its log lines go (category <c>EmbedWs.Redis</c>); none by default.</param>
    public RedisBackplane(RedisBackplaneOptions options, ILoggerFactory? loggerFactory = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.Connection is null && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("Set RedisBackplaneOptions.ConnectionString or Connection.", nameof(options));
        }

        NodeId = options.NodeId ?? Environment.MachineName + "-" + Guid.NewGuid().ToString("N").Substring(0, 8);
        if (NodeId.IndexOf(' ') >= 0)
        {
            throw new ArgumentException("A node id has no spaces.", nameof(options));
        }

        _node = RedisWire.EncodeNodeId(NodeId);
        _names = new RedisNames(options.ChannelPrefix);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("EmbedWs.Redis");
        _metrics = new RedisMetrics(() => _connected);
        _subscriptions = new RedisSubscriptions(OnMessage, _logger);
        _presence = new RedisPresence(_names, NodeId, options.PresenceTtl);
    }

    /// <inheritdoc />
    public string NodeId { get; }

    /// <summary>True while cross-node delivery works: connected to Redis, with the channels chosen.</summary>
    public bool IsConnected => _connected;

    /// <summary>True when this node uses sharded pub/sub (decided at its first connection).</summary>
    public bool IsSharded => _sharded;

    /// <summary>Messages published to other nodes so far.</summary>
    public long Published => _metrics.Published;

    /// <summary>Messages from other nodes delivered to this node so far.</summary>
    public long Received => _metrics.Received;

    /// <summary>Messages for other nodes not published because Redis was not connected (lost: delivery is at most once).</summary>
    public long Lost => _metrics.Lost;

    /// <summary>Messages received that could not be read (another format version, a bad frame): dropped and logged.</summary>
    public long Dropped => _metrics.Dropped;

    /// <summary>The channels this node is subscribed to now: the broadcast channel, its own, and one per group with local members.</summary>
    public int SubscribedChannels => _subscriptions.Subscribed;

    /// <inheritdoc />
    public async Task StartAsync(WsBackplaneNode node, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("A RedisBackplane serves one server, started once.");
        }

        _local = node ?? throw new ArgumentNullException(nameof(node));
        _subscriptions.Want(_names.All);
        _subscriptions.Want(_names.Node(NodeId));
        if (_options.Connection is { } given)
        {
            _connection = given;
        }
        else
        {
            var config = ConfigurationOptions.Parse(_options.ConnectionString!);
            config.AbortOnConnectFail = false;
            config.BacklogPolicy = BacklogPolicy.FailFast;
            config.ReconnectRetryPolicy = new ExponentialRetry(100, 2000);
            config.ClientName ??= "embedws:" + NodeId;
            _connection = await ConnectionMultiplexer.ConnectAsync(config).ConfigureAwait(false);
            _ownsConnection = true;
        }

        _connection.ConnectionFailed += OnConnectionFailed;
        _connection.ConnectionRestored += OnConnectionRestored;
        if (!TryAttach())
        {
            RedisLog.WaitingForRedis(_logger, NodeId);
            _ = AttachWhenConnectedAsync();
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _connected = false;
        await _subscriptions.StopAsync().ConfigureAwait(false);
        if (_connection is { IsConnected: true } connection)
        {
            try
            {
                await _presence.RemoveAsync(connection.GetDatabase()).ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // Gone meanwhile: the key expires by itself.
            }
        }
    }

    /// <summary>Closes the connection to Redis when the backplane opened it (not one given in <see cref="RedisBackplaneOptions.Connection"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _connected = false;
        if (_connection is { } connection)
        {
            connection.ConnectionFailed -= OnConnectionFailed;
            connection.ConnectionRestored -= OnConnectionRestored;
            if (_ownsConnection)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        _metrics.Dispose();
        _stopping.Dispose();
    }

    /// <inheritdoc />
    public void PublishToAll(ReadOnlySpan<byte> frame, WsDelivery delivery) => Publish(_names.All, RedisWire.Frame(_node, null, frame, delivery));

    /// <inheritdoc />
    public void PublishToGroup(string group, ReadOnlySpan<byte> frame, WsDelivery delivery) => Publish(_names.Group(group), RedisWire.Frame(_node, null, frame, delivery));

    /// <inheritdoc />
    public void PublishToConnection(string nodeId, long connectionId, ReadOnlySpan<byte> frame, WsDelivery delivery) =>
        Publish(_names.Node(nodeId), RedisWire.Frame(_node, connectionId, frame, delivery));

    /// <inheritdoc />
    public void PublishClose(string nodeId, long connectionId, ushort code, string? reason) =>
        Publish(_names.Node(nodeId), RedisWire.Close(_node, connectionId, code, reason));

    /// <inheritdoc />
    public void OnFirstLocalMember(string group) => _subscriptions.Want(_names.Group(group));

    /// <inheritdoc />
    public void OnLastLocalMemberLeft(string group) => _subscriptions.Unwant(_names.Group(group));

    /// <inheritdoc />
    public void OnTick()
    {
        if (!_connected || _local is not { } local)
        {
            return;
        }

        // A subscription that failed while Redis was away (or half back) is made again here.
        if (_subscriptions.HasFailed)
        {
            _subscriptions.Resync();
        }

        _ = RefreshPresenceAsync(local.Server);
    }

    /// <inheritdoc />
    public async ValueTask<long> CountConnectionsAsync(CancellationToken cancellationToken) =>
        await _presence.CountAsync(Database(), group: null).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<long> CountGroupMembersAsync(string group, CancellationToken cancellationToken) =>
        await _presence.CountAsync(Database(), group ?? throw new ArgumentNullException(nameof(group))).WaitAsync(cancellationToken).ConfigureAwait(false);

    private IDatabase Database() =>
        _connection?.GetDatabase() ?? throw new InvalidOperationException("The backplane has not started: start the server first.");

    private void Publish(string channel, byte[] message)
    {
        // At most once: while Redis is away the message is not queued for later, it is lost and
        // counted (whatever the connection's backlog policy).
        if (!_connected || _subscriber is not { } subscriber)
        {
            _metrics.OnLost();
            return;
        }

        try
        {
            subscriber.Publish(RedisNames.Channel(channel, _sharded), message, CommandFlags.FireAndForget);
            _metrics.OnPublished();
        }
        catch (RedisException)
        {
            _metrics.OnLost();
        }
    }

    private void OnMessage(ChannelMessage message)
    {
        ReadOnlyMemory<byte> bytes = message.Message;
        var span = bytes.Span;
        if (!RedisWire.TryRead(span, out var read))
        {
            Drop(message, "not a message of format version 1 (or a key too long)");
            return;
        }

        // This node delivered its own message itself, with no round trip.
        if (read.IsFrom(span, _node) || _local is not { } local)
        {
            return;
        }

        var body = span.Slice(read.BodyStart);
        if (read.Kind == RedisMessageKind.Close)
        {
            string reason = System.Text.Encoding.UTF8.GetString(body);
            local.CloseConnection(read.ConnectionId, read.Code, reason.Length == 0 ? null : reason);
            _metrics.OnReceived();
            return;
        }

        if (!WsBackplaneNode.IsDataFrame(body))
        {
            Drop(message, "not one whole data frame");
            return;
        }

        string channel = message.Channel.ToString();
        if (read.Kind == RedisMessageKind.FrameToConnection)
        {
            local.DeliverToConnection(read.ConnectionId, body, read.Delivery);
        }
        else if (channel == _names.All)
        {
            local.DeliverToAll(body, read.Delivery);
        }
        else
        {
            local.DeliverToGroup(_names.GroupOf(channel), body, read.Delivery);
        }

        _metrics.OnReceived();
    }

    private void Drop(ChannelMessage message, string reason)
    {
        _metrics.OnDropped();
        RedisLog.Dropped(_logger, message.Channel.ToString(), reason);
    }

    /// <summary>Chooses sharded or plain pub/sub from the server, then subscribes; false while Redis is not connected.</summary>
    private bool TryAttach()
    {
        var connection = _connection!;
        if (!connection.IsConnected)
        {
            return false;
        }

        bool sharded = _options.ShardedPubSub ?? RedisSubscriptions.ServerHasShardedPubSub(connection);
        _sharded = sharded;
        _subscriber = connection.GetSubscriber();
        _subscriptions.Attach(_subscriber, sharded);
        _connected = true;
        RedisLog.Attached(_logger, NodeId, sharded ? "sharded" : "plain", _options.ChannelPrefix);
        return true;
    }

    /// <summary>Redis was down at start: tries again with backoff until it is up, then joins the cluster.</summary>
    private async Task AttachWhenConnectedAsync()
    {
        var delay = TimeSpan.FromMilliseconds(100);
        try
        {
            while (!TryAttach())
            {
                await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
                delay = delay * 2 > s_attachRetryMax ? s_attachRetryMax : delay * 2;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped before Redis came.
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (_subscriber is null || _stopping.IsCancellationRequested)
        {
            return;
        }

        if (_connected)
        {
            _connected = false;
            _lostAtFailure = _metrics.Lost;
            RedisLog.Lost(_logger, e.FailureType + " on " + e.ConnectionType);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (_stopping.IsCancellationRequested || _subscriber is null || !_connection!.IsConnected)
        {
            return;
        }

        // StackExchange.Redis subscribes its subscriptions again itself; those that failed
        // while Redis was away are made now (at each restored connection: the interactive and
        // the subscription one may come back apart). A restarted Redis lost the presence keys.
        _subscriptions.Resync();
        _presence.Invalidate();
        if (_connected)
        {
            return;
        }

        _connected = true;
        RedisLog.Restored(_logger, _metrics.Lost - _lostAtFailure);
    }

    private async Task RefreshPresenceAsync(WsServer server)
    {
        try
        {
            await _presence.RefreshAsync(_connection!.GetDatabase(), server).ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            RedisLog.PresenceFailed(_logger, e.Message);
        }
    }
}
