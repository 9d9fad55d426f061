using System.IO;
using System.Net;
using System.Security.Claims;
using System.Threading.Tasks;
using EmbedWs.AspNetCore;
using EmbedWs.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Samples.AspNetCore;

/// <summary>
/// The sample's app: ASP.NET Core serves the page, the sign-in and a JSON API; EmbedWs serves
/// the chat at /chat (signed-in users only, unless --no-auth) and an echo at /echo, on the same
/// Kestrel port. Built here rather than in Main so the tests run the same app in process.
/// </summary>
internal static class SampleApp
{
    public static WebApplication Build(SampleOptions options, ILoggerProvider? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Parse(options.Host), options.Port));
        if (logging is not null)
        {
            builder.Logging.ClearProviders().AddProvider(logging);
        }

        // Sign-in by cookie. A WebSocket handshake cannot follow a redirect to a login page, so an
        // unauthenticated one gets 401 (as an API call would).
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(c => c.Events.OnRedirectToLogin = context =>
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            });
        builder.Services.AddAuthorization();

        // One AddEmbedWs, EmbedWs.Hosting's: the same options (and configuration binding) as in
        // a generic host. MapEmbedWs below turns the server's own listener off.
        builder.Services.AddEmbedWs(o =>
        {
            o.MaxMessageSize = options.MaxMessageSize;
            o.MaxFragmentsPerMessage = options.MaxFragments;
            o.Heartbeat = options.Heartbeat ? HeartbeatPolicy.PingPong() : HeartbeatPolicy.None;
        })
        .Configure((_, server) => SampleSockets.Wire(server));

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/", () => Results.Content(Page(), "text/html; charset=utf-8"));
        app.MapGet("/login", async (HttpContext context, string name) =>
        {
            var identity = new ClaimsIdentity(new[] { new Claim(ClaimTypes.Name, name) }, CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(new ClaimsPrincipal(identity));
            return Results.Redirect("/");
        });
        app.MapGet("/api/info", (HttpContext context, WsServer server) => Results.Json(new
        {
            user = context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name : null,
            connections = server.ConnectionCount,
            authRequired = options.RequireAuth,
        }));

        var chat = app.MapEmbedWs("/chat");
        if (options.RequireAuth)
        {
            chat.RequireAuthorization();
        }

        app.MapEmbedWs("/echo");
        return app;
    }

    private static string Page()
    {
        using var stream = typeof(SampleApp).Assembly.GetManifestResourceStream("EmbedWs.Samples.AspNetCore.index.html")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
