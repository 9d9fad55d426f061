using EmbedWs;

namespace Snippets;

internal static class Compression
{
    public static WsServer Create()
    {
        #region snippet
        var server = new WsServer(new WsServerOptions
        {
            Url = "ws://localhost:8080",
            Compression = true,                 // agree to permessage-deflate when the client offers it
            CompressionThreshold = 1024,        // smaller messages go plain (the default)
        });
        server.OnMessage += (conn, msg) => conn.Send(msg.Text);   // nothing else changes
        #endregion
        return server;
    }
}
