#region snippet
using EmbedWs;
using Microsoft.Extensions.Logging;          // package Microsoft.Extensions.Logging.Console

#endregion
namespace Snippets;

internal static class ConsoleLogging
{
    public static async Task RunAsync()
    {
        #region snippet
        using var logging = LoggerFactory.Create(b => b
            .AddConsole()
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("EmbedWs.Transport", LogLevel.Debug));      // one category in more detail
        await using var server = new WsServer(new WsServerOptions { Url = "ws://localhost:8080", LoggerFactory = logging });
        await server.StartAsync();                                 // logs "Server started on ..." (event 200)
        #endregion
    }
}
