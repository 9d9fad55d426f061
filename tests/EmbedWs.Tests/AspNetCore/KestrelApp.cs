using System.Linq;
using System.Threading;
using System.Net;
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

    public static async Task<KestrelApp> StartAsync(Action<WebApplication> map, Action<WebApplicationBuilder>? configure = null,
        HttpProtocols protocols = HttpProtocols.Http1)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = protocols));
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
        HttpProtocols protocols = HttpProtocols.Http1)
    {
        var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.Listen = false;
            configure?.Invoke(o);
        });
        var app = await StartAsync(a => EmbedWs.AspNetCore.EmbedWsEndpointRouteBuilderExtensions.MapEmbedWs(a, "/ws", server.Server), protocols: protocols);
        return (app, server);
    }

    public async ValueTask DisposeAsync()
    {
        using var limit = new CancellationTokenSource(RawClient.Timeout);
        await App.StopAsync(limit.Token);
        await App.DisposeAsync();
    }
}
