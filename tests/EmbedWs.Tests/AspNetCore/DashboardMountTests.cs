using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Threading;
using EmbedWs.AspNetCore;
using EmbedWs.Hosting;
using EmbedWs.Tests.TestSupport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Tests.AspNetCore;

/// <summary><c>MapEmbedWsDashboard</c> on real Kestrel: the page and socket through the mount, ASP.NET Core's authorization applied.</summary>
public class DashboardMountTests
{
    private const string Token = "mount-test-token-0123";

    [Test]
    public async Task RequireAuthorization_NotSignedIn_PageAndSocketGet401FromAspNetCore()
    {
        await using var app = await StartAsync(requireAuthorization: true);
        using var http = new HttpClient();

        using var page = await http.GetAsync($"http://127.0.0.1:{app.Port}/embedws/?token={Token}");
        using var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        using var cts = new CancellationTokenSource(RawClient.Timeout);
        Assert.That(async () => await ws.ConnectAsync(app.Ws("/embedws/socket?token=" + Token), cts.Token), Throws.InstanceOf<WebSocketException>());

        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the policy applies even with the token");
        Assert.That(ws.HttpStatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task RequireAuthorization_SignedIn_ServesThePageAndStreamsUpdatesWithoutToken()
    {
        await using var app = await StartAsync(requireAuthorization: true);
        var cookies = await SignInAsync(app);
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies });

        using var page = await http.GetAsync($"http://127.0.0.1:{app.Port}/embedws/");
        using var script = await http.GetAsync($"http://127.0.0.1:{app.Port}/embedws/dashboard.js");
        using var ws = new ClientWebSocket();
        ws.Options.Cookies = cookies;
        using var cts = new CancellationTokenSource(RawClient.Timeout);
        await ws.ConnectAsync(app.Ws("/embedws/socket"), cts.Token);
        var update = await ReceiveUpdateAsync(ws, cts.Token);

        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/html; charset=utf-8"));
        Assert.That(page.Headers.GetValues("Content-Security-Policy"), Has.One.Contains("default-src 'none'"));
        Assert.That(script.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/javascript"));
        Assert.That((int)update["totals"]!["connections"]!, Is.Zero, "the viewer is no user connection");
        var server = app.App.Services.GetRequiredService<WsServer>();
        Assert.That(server.Options.Dashboard, Is.True, "MapEmbedWsDashboard turned it on");
        Assert.That(server.Port, Is.Zero, "no port of its own");
    }

    [Test]
    public async Task NoPolicy_TheTokenOpensThePage_WithoutIt401FromTheServer()
    {
        await using var app = await StartAsync(requireAuthorization: false);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }); // the page's cookie would open the second request

        using var allowed = await http.GetAsync($"http://127.0.0.1:{app.Port}/embedws/?token={Token}");
        using var refused = await http.GetAsync($"http://127.0.0.1:{app.Port}/embedws/");
        using var missing = await http.GetAsync($"http://127.0.0.1:{app.Port}/embedws/nothing-here");

        Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(allowed.Headers.GetValues("Set-Cookie"), Has.One.Contains("; Path=/embedws/; HttpOnly; SameSite=Strict"));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(refused.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer realm=\"EmbedWs dashboard\""));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task BasePathWithoutSlash_RedirectsWith308ThroughTheMount()
    {
        await using var app = await StartAsync(requireAuthorization: false);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        using var answer = await http.GetAsync($"http://127.0.0.1:{app.Port}/embedws?token={Token}");

        Assert.That((int)answer.StatusCode, Is.EqualTo(308));
        Assert.That(answer.Headers.Location?.ToString(), Is.EqualTo($"/embedws/?token={Token}"));
    }

    private static Task<KestrelApp> StartAsync(bool requireAuthorization) =>
        KestrelApp.StartAsync(
            a =>
            {
                a.UseAuthentication();
                a.UseAuthorization();
                a.MapGet("/signin", (HttpContext c) => c.SignInAsync(new ClaimsPrincipal(
                    new ClaimsIdentity(new[] { new Claim(ClaimTypes.Name, "operator") }, CookieAuthenticationDefaults.AuthenticationScheme))));
                var dashboard = a.MapEmbedWsDashboard();
                if (requireAuthorization)
                {
                    dashboard.RequireAuthorization();
                }
            },
            b =>
            {
                b.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                    .AddCookie(c => c.Events.OnRedirectToLogin = context =>
                    {
                        context.Response.StatusCode = 401;
                        return Task.CompletedTask;
                    });
                b.Services.AddAuthorization();
                b.Services.AddEmbedWs(o => o.DashboardToken = Token);
            });

    private static async Task<CookieContainer> SignInAsync(KestrelApp app)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies });
        using var response = await http.GetAsync($"http://127.0.0.1:{app.Port}/signin");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return cookies;
    }

    private static async Task<JObject> ReceiveUpdateAsync(ClientWebSocket ws, CancellationToken token)
    {
        var buffer = new byte[256 * 1024];
        while (true)
        {
            int filled = 0;
            bool end;
            do
            {
                var result = await ws.ReceiveAsync(buffer.AsMemory(filled), token);
                filled += result.Count;
                end = result.EndOfMessage;
            }
            while (!end);

            var message = JObject.Parse(Encoding.UTF8.GetString(buffer, 0, filled));
            if ((string?)message["type"] == "update")
            {
                return message;
            }
        }
    }
}
