using System;
using System.Collections.Generic;
using System.IO.Compression;
using System.Linq;
using System.Security.Authentication;
using Microsoft.Extensions.Configuration;

namespace EmbedWs.Hosting;

/// <summary>
/// Reads <see cref="WsServerOptions"/> from a configuration section, key by key. Not the
/// configuration binder: each value is parsed here (invariant culture) and set through the
/// options' validating setters, so a bad value or an unknown key (a typo) fails with a message
/// that names the full key. The keys are listed in <see cref="s_keys"/> and in docs/hosting.md.
/// </summary>
internal static class WsServerConfiguration
{
    private static readonly Dictionary<string, Action<IConfigurationSection, WsServerOptions>> s_keys =
        new(StringComparer.OrdinalIgnoreCase)
        {
            [nameof(WsServerOptions.Url)] = (s, o) => ConfigValue.WsUrl(s, v => o.Url = v),
            [nameof(WsServerOptions.Listen)] = (s, o) => ConfigValue.Bool(s, v => o.Listen = v),
            [nameof(WsServerOptions.MaxMessageSize)] = (s, o) => ConfigValue.Int(s, v => o.MaxMessageSize = v),
            [nameof(WsServerOptions.MaxHandshakeSize)] = (s, o) => ConfigValue.Int(s, v => o.MaxHandshakeSize = v),
            [nameof(WsServerOptions.MaxSendQueueBytes)] = (s, o) => ConfigValue.Int(s, v => o.MaxSendQueueBytes = v),
            [nameof(WsServerOptions.SendQueueSoftLimitBytes)] = (s, o) => ConfigValue.Int(s, v => o.SendQueueSoftLimitBytes = v),
            [nameof(WsServerOptions.MaxMessagesPerSecond)] = (s, o) => ConfigValue.Int(s, v => o.MaxMessagesPerSecond = v),
            [nameof(WsServerOptions.MaxBytesPerSecond)] = (s, o) => ConfigValue.Int(s, v => o.MaxBytesPerSecond = v),
            [nameof(WsServerOptions.RateLimitPolicy)] = (s, o) => ConfigValue.Enum<WsRateLimitPolicy>(s, v => o.RateLimitPolicy = v),
            [nameof(WsServerOptions.MaxInboundQueueBytes)] = (s, o) => ConfigValue.Int(s, v => o.MaxInboundQueueBytes = v),
            [nameof(WsServerOptions.MaxQueuedEvents)] = (s, o) => ConfigValue.Int(s, v => o.MaxQueuedEvents = v),
            [nameof(WsServerOptions.ListenBacklog)] = (s, o) => ConfigValue.Int(s, v => o.ListenBacklog = v),
            [nameof(WsServerOptions.HandshakeTimeout)] = (s, o) => ConfigValue.Duration(s, v => o.HandshakeTimeout = v),
            [nameof(WsServerOptions.CloseTimeout)] = (s, o) => ConfigValue.Duration(s, v => o.CloseTimeout = v),
            [nameof(WsServerOptions.StopTimeout)] = (s, o) => ConfigValue.Duration(s, v => o.StopTimeout = v),
            [nameof(WsServerOptions.HandlerTimeout)] = (s, o) => ConfigValue.DurationOrInfinite(s, v => o.HandlerTimeout = v),
            [nameof(WsServerOptions.MessageReadTimeout)] = (s, o) => ConfigValue.DurationOrInfinite(s, v => o.MessageReadTimeout = v),
            [nameof(WsServerOptions.MaxConnections)] = (s, o) => ConfigValue.Int(s, v => o.MaxConnections = v),
            [nameof(WsServerOptions.MaxConnectionsPerAddress)] = (s, o) => ConfigValue.Int(s, v => o.MaxConnectionsPerAddress = v),
            [nameof(WsServerOptions.MaxFragmentsPerMessage)] = (s, o) => ConfigValue.Int(s, v => o.MaxFragmentsPerMessage = v),
            [nameof(WsServerOptions.ShowExceptionDetails)] = (s, o) => ConfigValue.Bool(s, v => o.ShowExceptionDetails = v),
            [nameof(WsServerOptions.UnroutedTextToOnMessage)] = (s, o) => ConfigValue.Bool(s, v => o.UnroutedTextToOnMessage = v),
            [nameof(WsServerOptions.Compression)] = (s, o) => ConfigValue.Bool(s, v => o.Compression = v),
            [nameof(WsServerOptions.CompressionThreshold)] = (s, o) => ConfigValue.Int(s, v => o.CompressionThreshold = v),
            [nameof(WsServerOptions.CompressionLevel)] = (s, o) => ConfigValue.Enum<CompressionLevel>(s, v => o.CompressionLevel = v),
            [nameof(WsServerOptions.CompressionServerContextTakeover)] = (s, o) => ConfigValue.Bool(s, v => o.CompressionServerContextTakeover = v),
            [nameof(WsServerOptions.CompressionClientContextTakeover)] = (s, o) => ConfigValue.Bool(s, v => o.CompressionClientContextTakeover = v),
            [nameof(WsServerOptions.RoutePath)] = (s, o) => ConfigValue.Set(s, s.Value, () => o.RoutePath = ConfigValue.Scalar(s)),
            [nameof(WsServerOptions.Dashboard)] = (s, o) => ConfigValue.Bool(s, v => o.Dashboard = v),
            [nameof(WsServerOptions.DashboardPath)] = (s, o) => ConfigValue.Set(s, s.Value, () =>
            {
                if (ConfigValue.Scalar(s) is { } path)
                {
                    o.DashboardPath = path;
                }
            }),
            [nameof(WsServerOptions.DashboardToken)] = (s, o) => DashboardToken(s, o),
            [nameof(WsServerOptions.DashboardMaxRows)] = (s, o) => ConfigValue.Int(s, v => o.DashboardMaxRows = v),
            [nameof(WsServerOptions.Dispatch)] = (s, o) => ConfigValue.Enum<EventDispatch>(s, v => o.Dispatch = v),
            [nameof(WsServerOptions.SslProtocols)] = (s, o) => ConfigValue.Enum<SslProtocols>(s, v => o.SslProtocols = v),
            [nameof(WsServerOptions.AllowedOrigins)] = (s, o) => ConfigValue.List(s, v => o.AllowedOrigins = v),
            [nameof(WsServerOptions.SupportedSubProtocols)] = (s, o) => ConfigValue.List(s, v =>
            {
                o.SupportedSubProtocols.Clear();
                foreach (var p in v)
                {
                    o.SupportedSubProtocols.Add(p);
                }
            }),
            [nameof(WsServerOptions.Heartbeat)] = (s, o) => HeartbeatConfiguration.Read(s, v => o.Heartbeat = v),
        };

    // Options that exist but cannot come from text: the error says where to set them instead.
    private static readonly Dictionary<string, string> s_inCode = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(WsServerOptions.Endpoint)] = "use Url instead, e.g. \"ws://127.0.0.1:8080\"",
        [nameof(WsServerOptions.Certificate)] = "set it in code: AddEmbedWs(section, options => options.Certificate = ...)",
        [nameof(WsServerOptions.AcceptHandler)] = "set it in code: AddEmbedWs(section, options => ...) or builder.Configure(...)",
        [nameof(WsServerOptions.HttpHandler)] = "set it in code: AddEmbedWs(section, options => ...) or builder.Configure(...)",
        [nameof(WsServerOptions.LoggerFactory)] = "the host's ILoggerFactory is used",
        [nameof(WsServerOptions.TimeProvider)] = "a TimeProvider registered in the container is used",
        [nameof(WsServerOptions.JsonSerializer)] = "set it in code: AddEmbedWs(section, options => options.JsonSerializer = ...)",
    };

    /// <summary>The dashboard's token: a refusal names the key but never shows the value, a secret.</summary>
    private static void DashboardToken(IConfigurationSection section, WsServerOptions options)
    {
        try
        {
            options.DashboardToken = ConfigValue.Scalar(section);
        }
        catch (ArgumentException ex)
        {
            throw ConfigValue.Error(section, "is not valid: it needs at least 16 characters (the value is not shown).", ex);
        }
    }

    /// <summary>Applies every key of <paramref name="section"/>; throws <see cref="InvalidOperationException"/> naming the first bad one.</summary>
    public static void Apply(IConfiguration section, WsServerOptions options)
    {
        foreach (var child in section.GetChildren())
        {
            if (s_keys.TryGetValue(child.Key, out var apply))
            {
                apply(child, options);
            }
            else if (s_inCode.TryGetValue(child.Key, out string? hint))
            {
                throw ConfigValue.Error(child, $"is not read from configuration: {hint}.");
            }
            else
            {
                throw ConfigValue.Error(child, $"is not a known key. Known keys: {string.Join(", ", s_keys.Keys.OrderBy(k => k, StringComparer.Ordinal))}.");
            }
        }
    }
}
