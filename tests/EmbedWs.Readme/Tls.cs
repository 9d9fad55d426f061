#region snippet
using System.Security.Cryptography.X509Certificates;

#endregion
namespace EmbedWs.Readme;

internal static class Tls
{
    public static WsServerOptions Create(string password)
    {
        #region snippet
        var options = new WsServerOptions
        {
            Url = "wss://0.0.0.0:8443",
            Certificate = X509CertificateLoader.LoadPkcs12FromFile("server.pfx", password),
        };
        #endregion
        return options;
    }
}
