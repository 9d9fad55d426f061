#region snippet
using EmbedWs;
using EmbedWs.AspNetCore;
using EmbedWs.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

#endregion
namespace Snippets.AspNetCoreDashboardExample;

internal static class Example
{
    public static async Task RunAsync(string[] args)
    {
        #region snippet
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddAuthentication().AddCookie();
        builder.Services.AddAuthorization(o => o.AddPolicy("operators", p => p.RequireRole("operator")));
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"));

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapEmbedWs("/ws");
        app.MapEmbedWsDashboard().RequireAuthorization("operators");   // /embedws/: page, files, socket

        await app.RunAsync();
        #endregion
    }
}
