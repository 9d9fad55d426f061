using System;

namespace EmbedWs.Dashboard;

/// <summary>The dashboard's addresses under its base path (<see cref="WsServerOptions.DashboardPath"/>).</summary>
internal static class DashboardPaths
{
    /// <summary>The WebSocket's name under the base path.</summary>
    public const string Socket = "socket";

    /// <summary>A base path: starts and ends with '/', 2 to 200 characters of a plain path (no query, no fragment, no spaces).</summary>
    public static string Check(string value, string name)
    {
        if (value is null)
        {
            throw new ArgumentNullException(name);
        }

        bool plain = value.Length >= 2 && value.Length <= 200 && value[0] == '/' && value[value.Length - 1] == '/'
            && value.IndexOf("//", StringComparison.Ordinal) < 0;
        foreach (char c in value)
        {
            plain &= c > ' ' && c < 127 && c is not ('?' or '#' or '%' or '\\');
        }

        return plain ? value
            : throw new ArgumentException($"{name} must be a plain path that starts and ends with '/', such as /embedws/.", name);
    }
}
