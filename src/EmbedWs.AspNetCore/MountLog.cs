using Microsoft.Extensions.Logging;

namespace EmbedWs.AspNetCore;

/// <summary>The mount's log lines (category EmbedWs.AspNetCore).</summary>
internal static partial class MountLog
{
    [LoggerMessage(700, LogLevel.Information, "EmbedWs is served through ASP.NET Core at {Pattern}; it opens no port of its own (set its Url to have one as well)")]
    public static partial void OwnListenerOff(ILogger logger, string pattern);
}
