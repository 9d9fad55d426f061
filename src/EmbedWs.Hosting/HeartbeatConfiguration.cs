using System;
using System.Linq;
using Microsoft.Extensions.Configuration;

namespace EmbedWs.Hosting;

/// <summary>
/// The Heartbeat key: either one word (<c>"Heartbeat": "None"</c>) or a section
/// <c>{ "Kind": "PingPong", "Interval": "00:00:15", "Timeout": "00:00:10" }</c>. Kind is
/// PingPong (the default), JsonPingPong, IdleTimeout (Timeout only) or None (nothing else);
/// Interval and Timeout left out take the policy's defaults.
/// </summary>
internal static class HeartbeatConfiguration
{
    private static readonly string[] s_kinds = { "PingPong", "JsonPingPong", "IdleTimeout", "None" };
    private static readonly string[] s_keys = { "Kind", "Interval", "Timeout" };

    public static void Read(IConfigurationSection section, Action<IHeartbeatPolicy> set)
    {
        IConfigurationSection kindSection = section;
        TimeSpan? interval = null, timeout = null;
        if (section.GetChildren().Any())
        {
            foreach (var child in section.GetChildren())
            {
                if (!s_keys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                {
                    throw ConfigValue.Error(child, $"is not a known key. Heartbeat keys: {string.Join(", ", s_keys)}.");
                }
            }

            kindSection = section.GetSection("Kind");
            interval = ConfigValue.TryDuration(section.GetSection("Interval"));
            timeout = ConfigValue.TryDuration(section.GetSection("Timeout"));
        }

        string kind = ConfigValue.Scalar(kindSection) ?? "PingPong";
        IHeartbeatPolicy policy;
        switch (s_kinds.FirstOrDefault(k => string.Equals(k, kind, StringComparison.OrdinalIgnoreCase)))
        {
            case "PingPong":
                policy = HeartbeatPolicy.PingPong(interval, timeout);
                break;
            case "JsonPingPong":
                policy = HeartbeatPolicy.JsonPingPong(interval, timeout);
                break;
            case "IdleTimeout":
                NotWith(section, "Interval", interval, "IdleTimeout");
                policy = HeartbeatPolicy.IdleTimeout(timeout);
                break;
            case "None":
                NotWith(section, "Interval", interval, "None");
                NotWith(section, "Timeout", timeout, "None");
                policy = HeartbeatPolicy.None;
                break;
            default:
                throw ConfigValue.Error(kindSection, $"= '{kind}' is not one of: {string.Join(", ", s_kinds)}.");
        }

        set(policy);
    }

    private static void NotWith(IConfigurationSection section, string key, TimeSpan? value, string kind)
    {
        if (value is not null)
        {
            throw ConfigValue.Error(section.GetSection(key), $"does not apply to the {kind} heartbeat.");
        }
    }
}
