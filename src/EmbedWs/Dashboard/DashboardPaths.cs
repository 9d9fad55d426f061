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

    /// <summary>
    /// The answer to the base path without its final slash (<c>/embedws</c>): 308 to the base path,
    /// the query kept. The page's relative links (its script, style and socket) resolve against
    /// the slash, so it must be there. 308 rather than 301 (RFC 9110 §15.4.9): the method is kept
    /// (a 301 lets a client turn a POST into a GET), and every current browser follows it; no-store, so that a browser does
    /// not remember it past a change of DashboardPath.
    /// </summary>
    public static WsHttpResponse Redirect(string basePath, string query)
    {
        var response = WsHttpResponse.Text("Moved to " + basePath, statusCode: 308);
        response.Headers["Location"] = query.Length == 0 ? basePath : basePath + "?" + query;
        response.Headers["Cache-Control"] = "no-store";
        return response;
    }

    /// <summary>True when <paramref name="path"/> is the base path without its final slash.</summary>
    public static bool IsBaseWithoutSlash(string path, string basePath) =>
        path.Length == basePath.Length - 1 && basePath.StartsWith(path, StringComparison.Ordinal);
}
