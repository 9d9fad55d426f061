using EmbedWs;

namespace Snippets;

internal static class HeartbeatChoice
{
    public static WsServerOptions Create()
    {
        #region snippet
        var options = new WsServerOptions
        {
            Url = "ws://localhost:8080",
            Heartbeat = HeartbeatPolicy.JsonPingPong(interval: TimeSpan.FromSeconds(20), timeout: TimeSpan.FromSeconds(10)),
            // or HeartbeatPolicy.PingPong() (the default), HeartbeatPolicy.IdleTimeout(TimeSpan.FromMinutes(2)), HeartbeatPolicy.None
        };
        #endregion
        return options;
    }
}
