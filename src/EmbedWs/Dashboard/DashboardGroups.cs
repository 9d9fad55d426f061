using System.Linq;

namespace EmbedWs.Dashboard;

/// <summary>
/// The groups panel's answer when a group is clicked: the group's members, the first
/// <c>maxRows</c> by id (bounded however large the group), each with its address and path.
/// </summary>
internal static class DashboardGroups
{
    public static string WriteMembers(WsGroups groups, string name, int maxRows)
    {
        var members = groups.Members(name);
        var w = new DashboardJsonWriter();
        w.WriteStartObject();
        w.WritePropertyName("type");
        w.WriteValue("group");
        w.WritePropertyName("name");
        w.WriteValue(name.Length > DashboardTable.MaxCellChars ? name.Substring(0, DashboardTable.MaxCellChars - 1) + "…" : name);
        w.WritePropertyName("total");
        w.WriteValue(members.Count);
        w.WritePropertyName("columns");
        w.WriteStartArray();
        w.WriteValue("id");
        w.WriteValue("address");
        w.WriteValue("path");
        w.WriteEndArray();
        w.WritePropertyName("members");
        w.WriteStartArray();
        foreach (var member in members.OrderBy(c => c.Id).Take(maxRows))
        {
            string path = member.Info.Path;
            w.WriteStartArray();
            w.WriteValue(member.Id);
            w.WriteValue(member.Info.RemoteEndPoint?.ToString());
            w.WriteValue(path.Length > DashboardTable.MaxCellChars ? path.Substring(0, DashboardTable.MaxCellChars - 1) + "…" : path);
            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        return w.ToString();
    }
}
