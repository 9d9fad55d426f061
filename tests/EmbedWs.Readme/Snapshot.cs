using EmbedWs;

namespace Snippets;

internal static class Snapshot
{
    public static void Print(WsServer server)
    {
        #region snippet
        var s = server.GetSnapshot();
        Console.WriteLine($"{s.ActiveConnections} open, {s.ConnectionsOpened} opened, {s.HandshakesRejected} refused, " +
                          $"{s.MessagesReceived} msgs in / {s.MessagesSent} out, {s.BytesReceived:N0} B in / {s.BytesSent:N0} B out, {s.Groups} groups");
        foreach (var c in s.Connections)
        {
            Console.WriteLine($"#{c.Id} {c.RemoteEndPoint} {c.Path} {c.State} since {c.ConnectedAt:T} " +
                              $"rtt {c.RoundTripTime?.TotalMilliseconds:0.0} ms, send queue {c.SendQueueBytes} B, inbound {c.InboundQueueBytes} B, " +
                              $"{c.MessagesReceived}/{c.MessagesSent} msgs");
        }
        #endregion
    }
}
