using System;
using System.IO;
using System.Reflection;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Samples.ConsoleHost;

/// <summary>
/// Builds the console host's server: the mode's page on GET / (chat.html in chat mode,
/// index.html otherwise), the browser client at /embedws.js, the server's snapshot as JSON at
/// /status, and one of the <see cref="HostMode"/> behaviours on every WebSocket path. Public so
/// that tests can run the same server in process.
/// </summary>
public static class ConsoleHostServer
{
    private static readonly Lazy<string> s_index = new(() => LoadResource("index.html"));
    private static readonly Lazy<string> s_chat = new(() => LoadResource("chat.html"));
    private static readonly Lazy<string> s_client = new(() => LoadResource("embedws.js"));

    /// <summary>
    /// Creates (does not start) a server. <paramref name="options"/> says where to listen; its
    /// <see cref="WsServerOptions.HttpHandler"/> is replaced by the page handler. Its
    /// <see cref="WsServerOptions.Heartbeat"/> applies in every mode; the pages answer JSON pings.
    /// </summary>
    /// <param name="mode">What to do with received messages.</param>
    /// <param name="options">Endpoint or Url, limits, and the logger factory.</param>
    /// <remarks>
    /// The host logs its own lines (connects, closes, chat; each message at Debug) to
    /// <see cref="WsServerOptions.LoggerFactory"/>, as the library does; the console host sets it
    /// to the console.
    /// </remarks>
    public static WsServer Create(HostMode mode, WsServerOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        WsServer? server = null;
        options.HttpHandler = request => ServePage(mode, request, server!);
        server = new WsServer(options);
        var log = options.LoggerFactory.CreateLogger("EmbedWs.ConsoleHost");
        HostLog.Attach(server, log);

        switch (mode)
        {
            case HostMode.Echo:
                server.OnMessage += Echo;
                break;
            case HostMode.Broadcast:
                server.OnMessage += (c, m) => _ = m.IsText ? server.Broadcast(m.Text) : server.Broadcast(m.Data);
                break;
            case HostMode.Chat:
                ChatRoutes.Map(server, log);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown mode.");
        }

        return server;
    }

    private static void Echo(IWsConnection connection, WsMessage message)
    {
        // Data is only valid inside the handler; Send copies it before returning.
        _ = message.IsText ? connection.Send(message.Text) : connection.Send(message.Data);
    }

    private static ValueTask<WsHttpResponse?> ServePage(HostMode mode, WsConnectionInfo request, WsServer server)
    {
        // Exact matches against pages compiled into the host: no path reaches the file system,
        // so "..", encoded or not, has nothing to traverse (tests: ConsoleHostPathTests).
        var response = request.Path switch
        {
            "/status" => WsHttpResponse.Text(StatusPage.Json(server.GetSnapshot()), "application/json"),
            "/" => WsHttpResponse.Html(mode == HostMode.Chat ? s_chat.Value : s_index.Value),
            "/index.html" => WsHttpResponse.Html(s_index.Value),
            "/chat.html" => WsHttpResponse.Html(s_chat.Value),
            "/embedws.js" => WsHttpResponse.Text(s_client.Value, "text/javascript"),
            _ => WsHttpResponse.NotFound(),
        };
        response.Headers["Cache-Control"] = "no-store";
        return new ValueTask<WsHttpResponse?>(response);
    }

    private static string LoadResource(string file)
    {
        string name = "EmbedWs.Samples.ConsoleHost." + file;
        using var stream = typeof(ConsoleHostServer).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource '{name}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
