using EmbedWs;

namespace Snippets;

internal static class DeliveryClasses
{
    public static async Task StreamPositionsAsync(WsServer server, IWsConnection conn, int playerId, float x, float y, long entityId, int hp)
    {
        #region snippet
        server.BroadcastJson("chat.message", new { text = "gg" });                        // reliable: the default
        server.BroadcastJson("cursor", new { x, y }, WsDelivery.Droppable);               // skipped for a congested client
        server.Groups.SendJson("match:7", "pos", new { playerId, x, y },
                               WsDelivery.Latest($"pos:{playerId}"));                     // a newer position replaces a waiting one
        conn.SendJson("hp", new { entityId, hp }, WsDelivery.Latest(entityId));           // a numeric key: no string per send
        conn.Send("typing…", WsDelivery.Droppable);                                       // false when dropped

        if (conn.IsCongested)                                                             // more than SendQueueSoftLimitBytes waiting
        {
            Console.WriteLine($"{conn.Id}: {conn.SendQueueBytes} B queued, {conn.MessagesDropped} dropped");
            if (!await conn.WhenUncongestedAsync(conn.Closed))                            // back under the soft mark
            {
                return;                                                                   // the connection ended first
            }
        }
        #endregion
    }
}
