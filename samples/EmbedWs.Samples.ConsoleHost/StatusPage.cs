using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Samples.ConsoleHost;

/// <summary>
/// <c>GET /status</c>: the server's <see cref="WsServer.GetSnapshot"/> as JSON, the kind of page
/// a host shows its operators (docs/metrics-and-logging.md).
/// </summary>
internal static class StatusPage
{
    public static string Json(WsServerSnapshot s) => new JObject
    {
        ["timestamp"] = s.Timestamp,
        ["activeConnections"] = s.ActiveConnections,
        ["connectionsOpened"] = s.ConnectionsOpened,
        ["connectionsClosed"] = s.ConnectionsClosed,
        ["handshakesRejected"] = s.HandshakesRejected,
        ["messagesReceived"] = s.MessagesReceived,
        ["messagesSent"] = s.MessagesSent,
        ["bytesReceived"] = s.BytesReceived,
        ["bytesSent"] = s.BytesSent,
        ["groups"] = s.Groups,
        ["connections"] = new JArray(s.Connections.Select(c => new JObject
        {
            ["id"] = c.Id,
            ["remote"] = c.RemoteEndPoint?.ToString(),
            ["path"] = c.Path,
            ["state"] = c.State.ToString(),
            ["connectedAt"] = c.ConnectedAt,
            ["roundTripMs"] = c.RoundTripTime?.TotalMilliseconds,
            ["sendQueueBytes"] = c.SendQueueBytes,
            ["inboundQueueBytes"] = c.InboundQueueBytes,
            ["messagesReceived"] = c.MessagesReceived,
            ["messagesSent"] = c.MessagesSent,
            ["bytesReceived"] = c.BytesReceived,
            ["bytesSent"] = c.BytesSent,
        })),
    }.ToString(Formatting.Indented);
}
