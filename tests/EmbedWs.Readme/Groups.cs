using EmbedWs.Transport;

namespace EmbedWs.Readme;

internal static class Groups
{
    public static async Task UseAsync(WsServer server, IWsConnection conn)
    {
        #region snippet
        server.Groups.Add(conn, "room:lobby");
        server.Groups.Remove(conn, "room:lobby");
        await server.Groups.SendAsync("room:lobby", "text for all members", except: conn);
        var members = server.Groups.Members("room:lobby"); int count = server.Groups.Count("room:lobby");
        var mine = server.Groups.GroupsOf(conn); var all = server.Groups.Names;
        #endregion
    }
}
