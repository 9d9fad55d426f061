using EmbedWs.Protocol;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Transport;

/// <summary>
/// What every connection of one server reads and none changes: the settings, the instruments,
/// the logger and the protocol limits. One object per server, so a connection holds one
/// reference to them instead of four (an idle connection's size is what 10,000 of them cost).
/// </summary>
internal sealed class ConnectionShared
{
    public ConnectionShared(WsSettings settings, EmbedWsMetrics? metrics, ILogger logger)
    {
        Settings = settings;
        Metrics = metrics;
        Logger = logger;
        Limits = new SessionLimits(settings.MaxMessageSize, settings.MaxFragmentsPerMessage,
            settings.TimestampTicks(settings.MessageReadTimeout), settings.TimestampTicks(settings.CloseTimeout));
    }

    public WsSettings Settings { get; }

    public EmbedWsMetrics? Metrics { get; }

    public ILogger Logger { get; }

    public SessionLimits Limits { get; }
}
