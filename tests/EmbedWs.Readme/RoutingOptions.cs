#region snippet
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

#endregion
using System.Collections.Concurrent;
using EmbedWs;

namespace Snippets;

internal static class RoutingOptions
{
    public static void Configure(ConcurrentDictionary<string, long> names)
    {
        #region snippet
        var server = new WsServer(new WsServerOptions
        {
            Url = "ws://localhost:8080",
            JsonSerializer = new NewtonsoftWsSerializer(new JsonSerializerSettings
            {
                ContractResolver = new DefaultContractResolver { NamingStrategy = new SnakeCaseNamingStrategy() },
            }),
            UnroutedTextToOnMessage = true,        // text that is not a routable envelope goes to OnMessage
            ShowExceptionDetails = false,          // the default: no exception text in error replies
        });
        server.Route<NickSet, NickSet>("nick.set", (conn, r) =>
            names.TryAdd(r.Name, conn.Id) ? r : throw new WsReplyException("name_taken", "That name is taken."));
        #endregion
    }
}

#region snippet

record NickSet(string Name);
#endregion
