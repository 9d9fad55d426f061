using EmbedWs;

namespace Snippets;

internal static class Groups
{
    public static void Use(WsServer server, IWsConnection conn)
    {
        #region snippet
        server.Groups.Add(conn, "room:lobby");
        server.Groups.Remove(conn, "room:lobby");
        server.Groups.Send("room:lobby", "text for all members", except: conn);
        var members = server.Groups.Members("room:lobby"); int count = server.Groups.Count("room:lobby");
        var mine = server.Groups.GroupsOf(conn); var all = server.Groups.Names;
        #endregion
    }
}
