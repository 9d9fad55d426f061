using System.Net;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Dashboard;

/// <summary>Log lines of the dashboard, with stable event ids (8xx).</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(800, LogLevel.Information, "Dashboard on at {Path} ({Access})")]
    public static partial void Enabled(ILogger logger, string path, string access);

    [LoggerMessage(801, LogLevel.Warning, "Dashboard request from {Remote} for {Path} refused with {Status}: {Reason}")]
    public static partial void Refused(ILogger logger, IPEndPoint? remote, string path, int status, string reason);

    [LoggerMessage(802, LogLevel.Debug, "Dashboard page served to {Remote}")]
    public static partial void PageServed(ILogger logger, IPEndPoint? remote);

    [LoggerMessage(803, LogLevel.Information, "Dashboard viewer {Remote} connected")]
    public static partial void ViewerOpened(ILogger logger, IPEndPoint? remote);

    [LoggerMessage(804, LogLevel.Information, "Dashboard viewer {Remote} left: {Close}")]
    public static partial void ViewerClosed(ILogger logger, IPEndPoint? remote, string close);

    [LoggerMessage(805, LogLevel.Warning, "Dashboard viewer {Remote} closed connection {Id} with 1008")]
    public static partial void ClosedFromDashboard(ILogger logger, IPEndPoint? remote, long id);

    [LoggerMessage(806, LogLevel.Warning, "Dashboard viewer {Remote} sent a command that is not understood: {Problem}")]
    public static partial void BadCommand(ILogger logger, IPEndPoint? remote, string problem);

    [LoggerMessage(807, LogLevel.Error, "Dashboard update failed")]
    public static partial void UpdateFailed(ILogger logger, System.Exception exception);
}
