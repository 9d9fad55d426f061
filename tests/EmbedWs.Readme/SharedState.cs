#region snippet
using System.Collections.Concurrent;

#endregion
using EmbedWs;

namespace Snippets;

internal static class SharedState
{
    public static void Configure(WsServer server)
    {
        #region snippet
        // Handlers of different connections run at the same time (Inline and ThreadPool dispatch):
        var names = new ConcurrentDictionary<long, string>();
        long messages = 0;
        server.OnConnect += conn => names[conn.Id] = conn.Info.Query.TryGetValue("name", out var n) ? n : "guest";
        server.OnMessage += (conn, msg) => Interlocked.Increment(ref messages);
        server.OnClose += (conn, close) => names.TryRemove(conn.Id, out _);
        // Per connection they run one at a time, in order.
        #endregion
    }
}
