using EmbedWs;

namespace Snippets;

#region snippet
sealed class KickSilentPlayers : IHeartbeatPolicy
{
    public TimeSpan TickInterval => TimeSpan.FromSeconds(1);
    public void OnTick(HeartbeatPeer peer) { if (peer.SinceLastReceived > TimeSpan.FromSeconds(30)) peer.Kill(); }
    public void OnPong(HeartbeatPeer peer, ReadOnlySpan<byte> payload) { }
    public void OnJsonPong(HeartbeatPeer peer, ReadOnlySpan<byte> id) { }
}
#endregion

internal static class CustomHeartbeat
{
    public static void Configure(WsServerOptions options)
    {
        #region snippet
        options.Heartbeat = new KickSilentPlayers();
        #endregion
    }
}
