using System.Linq;
using System.Threading;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using EmbedWs.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Tests.AspNetCore;

// A real ASP.NET Core app on Kestrel, 127.0.0.1 port 0, built by the test: what the mount
// runs inside. Disposing it stops the app (and so the servers mapped into it).
internal sealed class KestrelApp : IAsyncDisposable
{
    private KestrelApp(WebApplication app, int port)
    {
        App = app;
        Port = port;
    }

    public WebApplication App { get; }

    public int Port { get; }

    public Uri Ws(string path) => new($"ws://127.0.0.1:{Port}{path}");

    public Uri Wss(string path) => new($"wss://127.0.0.1:{Port}{path}");

    // With a certificate, Kestrel serves TLS, and HTTP/2 is agreed by ALPN.
    public static async Task<KestrelApp> StartAsync(Action<WebApplication> map, Action<WebApplicationBuilder>? configure = null,
        HttpProtocols protocols = HttpProtocols.Http1, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
        {
            l.Protocols = protocols;
            if (certificate is not null)
            {
                l.UseHttps(certificate);
            }
        }));
        builder.Logging.ClearProviders();
        configure?.Invoke(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync().WaitAsync(RawClient.Timeout);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelApp(app, new Uri(address).Port);
    }

    // An app whose only endpoint is a recording echo server (Listen false) at /ws.
    public static async Task<(KestrelApp App, RecordingServer Server)> StartEchoAsync(Action<WsServerOptions>? configure = null,
        HttpProtocols protocols = HttpProtocols.Http1, X509Certificate2? certificate = null)
    {
        var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.Listen = false;
            configure?.Invoke(o);
        });
        var app = await StartAsync(a => EmbedWs.AspNetCore.EmbedWsEndpointRouteBuilderExtensions.MapEmbedWs(a, "/ws", server.Server), protocols: protocols, certificate: certificate);
        return (app, server);
    }

    public async ValueTask DisposeAsync()
    {
        using var limit = new CancellationTokenSource(RawClient.Timeout);
        await App.StopAsync(limit.Token);
        await App.DisposeAsync();
    }
}
