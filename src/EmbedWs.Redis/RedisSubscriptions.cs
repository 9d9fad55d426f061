using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace EmbedWs.Redis;

/// <summary>
/// The channels one node wants and the subscriptions it has, kept in step: a channel wanted and
/// not subscribed is subscribed, one subscribed and no longer wanted is unsubscribed, one at a
/// time per channel. A subscription that failed (Redis was down) is tried again at the next
/// <see cref="Resync"/>; one that StackExchange.Redis holds survives a reconnect (it subscribes
/// again itself). Each channel has its own message queue, read in order. Safe from any thread;
/// never blocks (the commands complete later).
/// </summary>
internal sealed class RedisSubscriptions
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _channels = new(StringComparer.Ordinal);
    private readonly Action<ChannelMessage> _onMessage;
    private readonly ILogger _logger;
    private ISubscriber? _subscriber;
    private bool _sharded;
    private bool _stopped;
    private volatile bool _failed;

    public RedisSubscriptions(Action<ChannelMessage> onMessage, ILogger logger)
    {
        _onMessage = onMessage;
        _logger = logger;
    }

    /// <summary>How many channels are subscribed now (for tests and the log).</summary>
    public int Subscribed
    {
        get
        {
            lock (_gate)
            {
                int n = 0;
                foreach (var pair in _channels)
                {
                    n += pair.Value.Queue is null ? 0 : 1;
                }

                return n;
            }
        }
    }

    /// <summary>True when a subscription failed since the last <see cref="Resync"/> (Redis was away): the next one tries it again.</summary>
    public bool HasFailed => _failed;

    /// <summary>From now on subscriptions are made, with sharded pub/sub or plain.</summary>
    public void Attach(ISubscriber subscriber, bool sharded)
    {
        lock (_gate)
        {
            _subscriber = subscriber;
            _sharded = sharded;
        }

        Resync();
    }

    public void Want(string channel) => Set(channel, wanted: true);

    public void Unwant(string channel) => Set(channel, wanted: false);

    /// <summary>Subscribes what is wanted and not subscribed (after a failure), unsubscribes the rest.</summary>
    public void Resync()
    {
        lock (_gate)
        {
            _failed = false;
            foreach (var pair in new List<KeyValuePair<string, Entry>>(_channels))
            {
                Sync(pair.Key, pair.Value);
            }
        }
    }

    /// <summary>Unsubscribes everything; nothing is subscribed after.</summary>
    public async Task StopAsync()
    {
        var queues = new List<ChannelMessageQueue>();
        lock (_gate)
        {
            _stopped = true;
            foreach (var pair in _channels)
            {
                if (pair.Value.Queue is { } queue)
                {
                    queues.Add(queue);
                }
            }

            _channels.Clear();
        }

        foreach (var queue in queues)
        {
            try
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // Redis is down: the server forgets the subscription with the connection.
            }
        }
    }

    private void Set(string channel, bool wanted)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            if (!_channels.TryGetValue(channel, out var entry))
            {
                if (!wanted)
                {
                    return;
                }

                _channels[channel] = entry = new Entry();
            }

            entry.Wanted = wanted;
            Sync(channel, entry);
        }
    }

    // Under the gate.
    private void Sync(string channel, Entry entry)
    {
        if (entry.Pending || _subscriber is not { } subscriber)
        {
            return;
        }

        if (entry.Wanted && entry.Queue is null)
        {
            entry.Pending = true;
            Task<ChannelMessageQueue> subscribe;
            try
            {
                subscribe = subscriber.SubscribeAsync(RedisNames.Channel(channel, _sharded));
            }
            catch (Exception e)
            {
                subscribe = Task.FromException<ChannelMessageQueue>(e);
            }

            _ = subscribe.ContinueWith(t => OnSubscribed(channel, entry, t), TaskScheduler.Default);
        }
        else if (!entry.Wanted)
        {
            if (entry.Queue is { } queue)
            {
                entry.Queue = null;
                _ = Unsubscribe(queue);
            }

            if (ReferenceEquals(_channels.GetValueOrDefault(channel), entry))
            {
                _channels.Remove(channel);
            }
        }
    }

    private void OnSubscribed(string channel, Entry entry, Task<ChannelMessageQueue> subscribe)
    {
        lock (_gate)
        {
            entry.Pending = false;
            if (subscribe.IsCompletedSuccessfully)
            {
                entry.Queue = subscribe.Result;
                entry.Queue.OnMessage(_onMessage);
                RedisLog.Subscribed(_logger, channel);
            }
            else
            {
                _failed = true;
                RedisLog.SubscribeFailed(_logger, channel, subscribe.Exception?.GetBaseException().Message ?? "cancelled");
            }

            if (_stopped)
            {
                entry.Wanted = false;
            }

            Sync(channel, entry);
        }
    }

    private async Task Unsubscribe(ChannelMessageQueue queue)
    {
        try
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            // Redis is down: its end of the subscription ended with the connection.
            RedisLog.UnsubscribeFailed(_logger, queue.Channel.ToString(), e.Message);
        }
    }

    /// <summary>True when every connected server has sharded pub/sub (Redis 7.0 and later).</summary>
    public static bool ServerHasShardedPubSub(IConnectionMultiplexer connection)
    {
        // SSUBSCRIBE and SPUBLISH came with Redis 7.0; every connected server must have them (a
        // cluster master not connected yet is no vote for plain: that node would be cut off).
        bool any = false;
        foreach (var server in connection.GetServers())
        {
            if (server.IsConnected)
            {
                if (server.Version < new Version(7, 0))
                {
                    return false;
                }

                any = true;
            }
        }

        return any;
    }

    private sealed class Entry
    {
        public bool Wanted;
        public bool Pending;
        public ChannelMessageQueue? Queue;
    }
}
