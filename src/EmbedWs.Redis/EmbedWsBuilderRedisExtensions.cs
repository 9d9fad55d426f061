using System;
using EmbedWs.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace EmbedWs.Redis;

/// <summary>
/// <c>services.AddEmbedWs(...).AddRedisBackplane(...)</c>: the container's server becomes a node
/// of a cluster on Redis. The <see cref="RedisBackplane"/> is a singleton of the container
/// (disposed with it), logs through the container's <see cref="ILoggerFactory"/>, and uses the
/// container's <see cref="IConnectionMultiplexer"/> when one is registered and no connection
/// string is given.
/// </summary>
public static class EmbedWsBuilderRedisExtensions
{
    /// <summary>Adds the Redis backplane, connecting with a StackExchange.Redis connection string.</summary>
    /// <param name="builder">The builder <c>AddEmbedWs</c> returned.</param>
    /// <param name="connectionString">For example <c>localhost:6379</c>.</param>
    /// <returns>The builder.</returns>
    public static EmbedWsBuilder AddRedisBackplane(this EmbedWsBuilder builder, string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("A Redis connection string, e.g. \"localhost:6379\".", nameof(connectionString));
        }

        return Add(builder, null, o => o.ConnectionString = connectionString);
    }

    /// <summary>Adds the Redis backplane, configured in code.</summary>
    /// <param name="builder">The builder <c>AddEmbedWs</c> returned.</param>
    /// <param name="configure">Sets the options: a connection string or connection, the prefix, the node id.</param>
    /// <returns>The builder.</returns>
    public static EmbedWsBuilder AddRedisBackplane(this EmbedWsBuilder builder, Action<RedisBackplaneOptions> configure) =>
        Add(builder, null, configure ?? throw new ArgumentNullException(nameof(configure)));

    /// <summary>
    /// Adds the Redis backplane with its options read from a configuration section (its own,
    /// beside the server's: for example <c>configuration.GetSection("EmbedWsRedis")</c>):
    /// ConnectionString, ChannelPrefix, NodeId, ShardedPubSub, PresenceTtl (docs/scale-out.md).
    /// A bad value or an unknown key makes the host's start throw, naming the key.
    /// </summary>
    /// <param name="builder">The builder <c>AddEmbedWs</c> returned.</param>
    /// <param name="configuration">The section holding the options.</param>
    /// <param name="configure">Runs after the configuration is applied; null for nothing.</param>
    /// <returns>The builder.</returns>
    public static EmbedWsBuilder AddRedisBackplane(this EmbedWsBuilder builder, IConfiguration configuration, Action<RedisBackplaneOptions>? configure = null) =>
        Add(builder, configuration ?? throw new ArgumentNullException(nameof(configuration)), configure);

    private static EmbedWsBuilder Add(EmbedWsBuilder builder, IConfiguration? configuration, Action<RedisBackplaneOptions>? configure)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        builder.Services.AddSingleton(services =>
        {
            var options = new RedisBackplaneOptions();
            if (configuration is not null)
            {
                RedisBackplaneConfiguration.Apply(configuration, options);
            }

            configure?.Invoke(options);
            if (options.Connection is null && string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                options.Connection = services.GetService<IConnectionMultiplexer>();
            }

            return new RedisBackplane(options, services.GetService<ILoggerFactory>());
        });
        builder.Services.AddSingleton<IConfigureOptions<WsServerOptions>>(services =>
            new ConfigureOptions<WsServerOptions>(o => o.Backplane = services.GetRequiredService<RedisBackplane>()));
        return builder;
    }
}
