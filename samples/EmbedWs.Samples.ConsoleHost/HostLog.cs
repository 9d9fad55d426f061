using System;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Samples.ConsoleHost;

/// <summary>
/// The host's own log lines (category <c>EmbedWs.ConsoleHost</c>): connects and closes at
/// Information, each message (cut short) at Debug. The per-message line costs nothing unless
/// Debug is on (<c>--log-level debug</c>): its handler is not even added otherwise.
/// </summary>
internal static partial class HostLog
{
    private const int MaxShown = 60;

    public static void Attach(WsServer server, ILogger log)
    {
        server.OnConnect += c => Connected(log, c.Id, c.Info.RemoteEndPoint?.ToString(), c.Info.Path);
        server.OnClose += (c, close) => Closed(log, c.Id, close.ToString());
        if (log.IsEnabled(LogLevel.Debug))
        {
            server.OnMessage += (c, m) => Message(log, c.Id, Describe(m));
        }
    }

    [LoggerMessage(1, LogLevel.Information, "#{Id} connected from {Remote} {Path}")]
    public static partial void Connected(ILogger logger, long id, string? remote, string path);

    [LoggerMessage(2, LogLevel.Debug, "#{Id} {Message}")]
    public static partial void Message(ILogger logger, long id, string message);

    [LoggerMessage(3, LogLevel.Information, "#{Id} closed {Close}")]
    public static partial void Closed(ILogger logger, long id, string close);

    [LoggerMessage(4, LogLevel.Information, "{Line}")]
    public static partial void Chat(ILogger logger, string line);

    private static string Describe(in WsMessage message)
    {
        if (!message.IsText)
        {
            return $"binary, {message.Data.Length} bytes";
        }

        string text = message.Text.Replace('\r', ' ').Replace('\n', ' ');
        return text.Length <= MaxShown
            ? $"text: {text}"
            : $"text: {text.Substring(0, MaxShown)}... ({text.Length} chars)";
    }
}
