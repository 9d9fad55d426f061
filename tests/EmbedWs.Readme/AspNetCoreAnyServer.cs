#region snippet
using EmbedWs;

#endregion
namespace Snippets.AspNetCoreAnyServerExample;

internal static class Example
{
    #region snippet
    // Another HTTP server received a WebSocket handshake: describe it, send the answer, hand over the stream.
    static async Task ServeAsync(WsServer server, string path, string query,
        IEnumerable<KeyValuePair<string, string>> headers, Func<int, IReadOnlyList<KeyValuePair<string, string>>, Task<Stream>> switchProtocols)
    {
        using var decision = await server.AdmitAsync(new WsUpgradeRequest(path, query, headers));
        if (!decision.IsAccepted)
        {
            return;                                   // answer decision.StatusCode, decision.Headers, decision.Body
        }

        var stream = await switchProtocols(decision.StatusCode, decision.Headers);   // 101 (or 200 over HTTP/2)
        await server.AcceptAsync(decision, stream);   // runs until the connection ends; then end the stream
    }
    #endregion
}
