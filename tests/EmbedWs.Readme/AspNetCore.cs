#region snippet
using EmbedWs;
using EmbedWs.AspNetCore;
using EmbedWs.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

#endregion
namespace Snippets.AspNetCoreExample;

internal static class Program
{
    public static async Task Main(string[] args)
    {
        #region snippet
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddAuthentication().AddCookie();
        builder.Services.AddAuthorization();
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"))   // EmbedWs.Hosting's AddEmbedWs
            .Configure((services, server) =>
            {
                server.OnConnect += conn => conn.Send($"hello {conn.Info.User?.Identity?.Name}");
                server.OnMessage += (conn, msg) => conn.Send(msg.Text);
            });

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/api/time", () => Results.Json(new { now = DateTimeOffset.UtcNow }));
        app.MapEmbedWs("/ws").RequireAuthorization();                  // 401 before any upgrade

        await app.RunAsync();                                          // stop: clients get 1001 first
        #endregion
    }
}
