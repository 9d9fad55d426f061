using System.Linq;
using System.Threading;
using System.Net;
using System.Net.Http;
using EmbedWs.Samples.AspNetCore;
using EmbedWs.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace EmbedWs.Tests.AspNetCore;

// The ASP.NET Core sample run in process on 127.0.0.1 port 0, as users run it.
internal sealed class SampleApps : IAsyncDisposable
{
    private SampleApps(WebApplication app, int port)
    {
        App = app;
        Port = port;
    }

    public WebApplication App { get; }

    public int Port { get; }

    public WsServer Server => App.Services.GetRequiredService<WsServer>();

    public static async Task<SampleApps> StartAsync(params string[] args)
    {
        var options = SampleOptions.Parse(new[] { "--port", "0" }.Concat(args).ToArray(), out string? error)
            ?? throw new ArgumentException(error);
        var app = SampleApp.Build(options);
        await app.StartAsync().WaitAsync(RawClient.Timeout);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SampleApps(app, new Uri(address).Port);
    }

    // Signs in through the sample's /login and returns the cookies that prove it.
    public async Task<CookieContainer> SignInAsync(string name)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { Timeout = RawClient.Timeout };
        using var response = await http.GetAsync($"http://127.0.0.1:{Port}/login?name={name}");
        Assert.That((int)response.StatusCode, Is.EqualTo(302));
        return cookies;
    }

    public async ValueTask DisposeAsync()
    {
        using var limit = new CancellationTokenSource(RawClient.Timeout);
        await App.StopAsync(limit.Token);
        await App.DisposeAsync();
    }
}
