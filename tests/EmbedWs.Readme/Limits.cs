using EmbedWs;

namespace Snippets;

internal static class Limits
{
    public static WsServerOptions Create()
    {
        #region snippet
        var options = new WsServerOptions
        {
            Url = "ws://0.0.0.0:8080",
            MaxMessageSize = 16 * 1024 * 1024,             // uploads up to 16 MiB...
            MaxFragmentsPerMessage = 16 * 1024,            // ...even in pieces of 1 KiB
            MessageReadTimeout = TimeSpan.FromMinutes(5),  // ...over a slow link (16 MiB at about 56 KB/s)
            MaxSendQueueBytes = 4 * 1024 * 1024,           // room for a burst to a slow reader
            MaxConnectionsPerAddress = 20,                 // only if clients do not share addresses (no NAT, no proxy)
        };
        #endregion
        return options;
    }
}
