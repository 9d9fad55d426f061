using System;
using System.IO;
using System.Threading.Tasks;

namespace EmbedWs.Samples.GameLoop;

/// <summary>Serves the embedded browser client (wwwroot/index.html) at <c>/</c>; other paths get 404.</summary>
internal static class GamePage
{
    private const string ResourceName = "EmbedWs.Samples.GameLoop.index.html";

    private static readonly Lazy<string> s_page = new(Load);

    public static ValueTask<WsHttpResponse?> ServeAsync(WsConnectionInfo request)
    {
        var response = request.Path is "/" or "/index.html"
            ? WsHttpResponse.Html(s_page.Value)
            : WsHttpResponse.NotFound();
        response.Headers["Cache-Control"] = "no-store";
        return new ValueTask<WsHttpResponse?>(response);
    }

    private static string Load()
    {
        using var stream = typeof(GamePage).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{ResourceName}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
