using System;
using System.IO;

namespace EmbedWs.Dashboard;

/// <summary>
/// The dashboard's three files, embedded in the assembly (no CDN, no build step): read once, on
/// first use, and served from memory.
/// </summary>
internal sealed class DashboardAsset
{
    private readonly string _resource;
    private byte[]? _body;

    public DashboardAsset(string name, string contentType, bool isPage)
    {
        Name = name;
        ContentType = contentType;
        IsPage = isPage;
        _resource = "EmbedWs.Dashboard." + (name.Length == 0 ? "index.html" : name);
    }

    /// <summary>The file's name under the dashboard's path; empty for the page itself.</summary>
    public string Name { get; }

    public string ContentType { get; }

    /// <summary>True for the page: it is served only to those let in.</summary>
    public bool IsPage { get; }

    /// <summary>The file's bytes.</summary>
    public byte[] Body => _body ??= Load(_resource);

    /// <summary>A response with the file and headers that keep it to its own origin.</summary>
    public WsHttpResponse Response()
    {
        var response = new WsHttpResponse(200, ContentType, Body);
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["Cache-Control"] = IsPage ? "no-store" : "no-cache";
        if (IsPage)
        {
            // The token travels in the page's URL: no Referer takes it elsewhere, no other site frames the page.
            response.Headers["Referrer-Policy"] = "no-referrer";
            response.Headers["X-Frame-Options"] = "DENY";
            response.Headers["Content-Security-Policy"] =
                "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        }

        return response;
    }

    private static byte[] Load(string resource)
    {
        using var stream = typeof(DashboardAsset).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The dashboard's resource '{resource}' is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>The dashboard's files by name.</summary>
internal static class DashboardAssets
{
    public static readonly DashboardAsset Page = new("", "text/html; charset=utf-8", isPage: true);
    public static readonly DashboardAsset Script = new("dashboard.js", "text/javascript; charset=utf-8", isPage: false);
    public static readonly DashboardAsset Style = new("dashboard.css", "text/css; charset=utf-8", isPage: false);

    /// <summary>The file at <paramref name="name"/> under the dashboard's path, or null.</summary>
    public static DashboardAsset? Find(string name) => name switch
    {
        "" or "index.html" => Page,
        "dashboard.js" => Script,
        "dashboard.css" => Style,
        _ => null,
    };
}
