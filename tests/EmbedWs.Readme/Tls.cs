#region snippet
using System.Security.Cryptography.X509Certificates;

#endregion
using EmbedWs;

namespace Snippets;

internal static class Tls
{
    public static async Task RunAsync()
    {
        #region snippet
        // .NET 9 and later; on .NET 8: new X509Certificate2("server.pfx", password)
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(
            "server.pfx", Environment.GetEnvironmentVariable("PFX_PASSWORD"));

        await using var server = new WsServer(new WsServerOptions
        {
            Url = "wss://0.0.0.0:8443",
            Certificate = certificate,
        });
        await server.StartAsync();   // clients connect to wss://your.host:8443/
        #endregion
    }
}
