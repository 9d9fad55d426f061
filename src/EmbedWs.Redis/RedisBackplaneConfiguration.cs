using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace EmbedWs.Redis;

/// <summary>
/// Reads <see cref="RedisBackplaneOptions"/> from a configuration section, key by key, as the
/// hosting package reads the server's options: a bad value or an unknown key (a typo) fails the
/// host's start with a message that names the full key.
/// </summary>
internal static class RedisBackplaneConfiguration
{
    private static readonly Dictionary<string, Action<IConfigurationSection, RedisBackplaneOptions>> s_keys =
        new(StringComparer.OrdinalIgnoreCase)
        {
            [nameof(RedisBackplaneOptions.ConnectionString)] = (s, o) => o.ConnectionString = s.Value,
            [nameof(RedisBackplaneOptions.ChannelPrefix)] = (s, o) => o.ChannelPrefix = s.Value!,
            [nameof(RedisBackplaneOptions.NodeId)] = (s, o) => o.NodeId = string.IsNullOrEmpty(s.Value) ? null : s.Value,
            [nameof(RedisBackplaneOptions.ShardedPubSub)] = (s, o) => o.ShardedPubSub = string.IsNullOrEmpty(s.Value) ? null
                : bool.TryParse(s.Value, out bool b) ? b : throw Error(s, "must be true or false (or empty: decided from the server's version)"),
            [nameof(RedisBackplaneOptions.PresenceTtl)] = (s, o) => o.PresenceTtl =
                TimeSpan.TryParse(s.Value, CultureInfo.InvariantCulture, out var t) ? t : throw Error(s, "must be a duration, hh:mm:ss"),
        };

    public static void Apply(IConfiguration configuration, RedisBackplaneOptions options)
    {
        foreach (var section in configuration.GetChildren())
        {
            if (!s_keys.TryGetValue(section.Key, out var apply))
            {
                throw Error(section, "is not an option of the Redis backplane (known: " + string.Join(", ", s_keys.Keys) + ")");
            }

            try
            {
                apply(section, options);
            }
            catch (ArgumentException e)
            {
                throw Error(section, e.Message.Split('\n')[0], e);
            }
        }
    }

    private static InvalidOperationException Error(IConfigurationSection section, string problem, Exception? inner = null) =>
        new($"Configuration '{section.Path}' = '{section.Value}' {problem}.", inner);
}
