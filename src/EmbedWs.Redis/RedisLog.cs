using System;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Redis;

/// <summary>Log lines of the Redis backplane, with stable event ids (9xx), category <c>EmbedWs.Redis</c>.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(900, LogLevel.Information, "Redis backplane: node {NodeId} connected ({PubSub} pub/sub, prefix {Prefix})")]
    public static partial void Attached(ILogger logger, string nodeId, string pubSub, string prefix);

    [LoggerMessage(901, LogLevel.Warning, "Redis backplane: connection to Redis lost ({Failure}); cross-node delivery stopped, local delivery goes on, messages for other nodes are lost (and counted) until it comes back")]
    public static partial void Lost(ILogger logger, string failure);

    [LoggerMessage(902, LogLevel.Information, "Redis backplane: connection to Redis restored; cross-node delivery resumed, subscriptions restored; {Lost} messages for other nodes were lost meanwhile")]
    public static partial void Restored(ILogger logger, long lost);

    [LoggerMessage(903, LogLevel.Warning, "Redis backplane: dropped a message on {Channel}: {Reason}")]
    public static partial void Dropped(ILogger logger, string channel, string reason);

    [LoggerMessage(904, LogLevel.Debug, "Redis backplane: subscribed {Channel}")]
    public static partial void Subscribed(ILogger logger, string channel);

    [LoggerMessage(905, LogLevel.Debug, "Redis backplane: subscribing {Channel} failed ({Error}); retried when Redis is back")]
    public static partial void SubscribeFailed(ILogger logger, string channel, string error);

    [LoggerMessage(906, LogLevel.Debug, "Redis backplane: unsubscribing {Channel} failed ({Error})")]
    public static partial void UnsubscribeFailed(ILogger logger, string channel, string error);

    [LoggerMessage(907, LogLevel.Debug, "Redis backplane: presence refresh failed ({Error})")]
    public static partial void PresenceFailed(ILogger logger, string error);

    [LoggerMessage(908, LogLevel.Information, "Redis backplane: Redis not reachable yet at start; node {NodeId} joins the cluster when it is")]
    public static partial void WaitingForRedis(ILogger logger, string nodeId);
}
