using System;
using System.IO;
using System.Threading.Tasks;

namespace EmbedWs.Samples.Hosting;

/// <summary>Serves the embedded page (wwwroot/index.html) at <c>/</c>; other paths get 404.</summary>
internal static class SamplePage
{
    private const string ResourceName = "EmbedWs.Samples.Hosting.index.html";

    private static readonly Lazy<string> s_page = new(Load);

    public static ValueTask<WsHttpResponse?> ServeAsync(WsConnectionInfo request) =>
        new(request.Path is "/" or "/index.html" ? WsHttpResponse.Html(s_page.Value) : WsHttpResponse.NotFound());

    private static string Load()
    {
        using var stream = typeof(SamplePage).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{ResourceName}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
