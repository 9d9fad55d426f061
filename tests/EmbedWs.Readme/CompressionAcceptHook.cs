using EmbedWs;

namespace Snippets;

internal static class CompressionAcceptHook
{
    public static WsServerOptions Create()
    {
        #region snippet
        var options = new WsServerOptions { Compression = true };
        options.AcceptHandler = context =>
        {
            // context.Extensions: "permessage-deflate; server_no_context_takeover", or null
            // context.Info.Headers["Sec-WebSocket-Extensions"]: what the client offered
            if (context.Info.Path == "/raw")
            {
                context.DeclineCompression();   // this connection stays uncompressed both ways
            }

            return default;
        };
        #endregion
        return options;
    }
}
