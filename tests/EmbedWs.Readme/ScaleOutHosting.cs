#region snippet
using EmbedWs;
using EmbedWs.Hosting;
using EmbedWs.Redis;
using Microsoft.Extensions.Hosting;

#endregion
namespace Snippets.ScaleOutHostingExample;

internal static class Program
{
    public static async Task Main(string[] args)
    {
        #region snippet
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"))
            .AddRedisBackplane(builder.Configuration.GetSection("EmbedWsRedis"));   // ConnectionString, ChannelPrefix, NodeId, ...
        await builder.Build().RunAsync();
        #endregion
        _ = typeof(WsServer);
    }
}
