using Microsoft.Extensions.Logging;

namespace EmbedWs.AspNetCore;

/// <summary>The mount's log lines (category EmbedWs.AspNetCore).</summary>
internal static partial class MountLog
{
    [LoggerMessage(700, LogLevel.Information, "EmbedWs is served through ASP.NET Core at {Pattern}; it opens no port of its own (set its Url to have one as well)")]
    public static partial void OwnListenerOff(ILogger logger, string pattern);

    [LoggerMessage(701, LogLevel.Information, "EmbedWs at {Pattern} was not started; it starts with the app")]
    public static partial void StartedWithApp(ILogger logger, string pattern);

    [LoggerMessage(702, LogLevel.Error, "EmbedWs at {Pattern} could not start with the app; its handshakes get 503")]
    public static partial void StartFailed(ILogger logger, string pattern, System.Exception exception);
}
