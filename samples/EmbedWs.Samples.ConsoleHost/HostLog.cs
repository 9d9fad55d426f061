using System;
using System.IO;

namespace EmbedWs.Samples.ConsoleHost;

/// <summary>Writes one line per connect, message (cut short), close and error.</summary>
internal static class HostLog
{
    private const int MaxShown = 60;

    public static void Attach(WsServer server, TextWriter log)
    {
        server.OnConnect += c => Write(log, $"#{c.Id} connected from {c.Info.RemoteEndPoint} {c.Info.Path}");
        server.OnMessage += (c, m) => Write(log, $"#{c.Id} {Describe(m)}");
        server.OnClose += (c, close) => Write(log, $"#{c.Id} closed {close}");
        server.OnError += (c, ex) => Write(log, $"#{c?.Id.ToString() ?? "-"} handler error: {ex.Message}");
    }

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

    public static void Write(TextWriter log, string line) =>
        log.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {line}");
}
