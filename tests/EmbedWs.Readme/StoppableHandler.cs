using EmbedWs;

namespace Snippets;

internal static class StoppableHandler
{
    public static void Configure(WsServer server)
    {
        #region snippet
        server.Route<AddRequest, AddReply>("math.slowAdd", async (conn, r) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), conn.Closed);   // ends when the client leaves or the server stops
            return new AddReply(r.A + r.B);
        });
        #endregion
    }
}
