using System;
using System.IO;
using System.Reflection;
using System.Threading.Tasks;
using EmbedWs.Transport;

namespace EmbedWs.Samples.ConsoleHost;

/// <summary>
/// Builds the console host's server: the test page on GET /, and one of the <see cref="HostMode"/>
/// behaviours on every WebSocket path. Public so that tests can run the same server in process.
/// </summary>
public static class ConsoleHostServer
{
    private static readonly Lazy<string> s_page = new(LoadPage);

    /// <summary>
    /// Creates (does not start) a server. <paramref name="options"/> says where to listen; its
    /// <see cref="WsServerOptions.HttpHandler"/> is replaced by the page handler.
    /// </summary>
    /// <param name="mode">What to do with received messages.</param>
    /// <param name="options">Endpoint or Url and limits.</param>
    /// <param name="log">Where to write one line per connect, message and close; null for nowhere.</param>
    public static WsServer Create(HostMode mode, WsServerOptions options, TextWriter? log = null)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        options.HttpHandler = ServePage;
        var server = new WsServer(options);
        if (log is not null)
        {
            HostLog.Attach(server, TextWriter.Synchronized(log));
        }

        switch (mode)
        {
            case HostMode.Echo:
                server.OnMessage += Echo;
                break;
            case HostMode.Broadcast:
                server.OnMessage += (c, m) => _ = m.IsText ? server.BroadcastAsync(m.Text) : server.BroadcastAsync(m.Data);
                break;
            case HostMode.Chat:
                // The joiner is already in Connections when OnConnect runs, so it sees its own notice;
                // the leaver is gone when OnClose runs, so only the others see "left".
                server.OnConnect += c => _ = server.BroadcastAsync($"#{c.Id} joined");
                server.OnMessage += (c, m) =>
                {
                    if (m.IsText)
                    {
                        _ = server.BroadcastAsync($"#{c.Id}: {m.Text}");
                    }
                };
                server.OnClose += (c, close) => _ = server.BroadcastAsync($"#{c.Id} left");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown mode.");
        }

        return server;
    }

    private static void Echo(IWsConnection connection, WsMessage message)
    {
        // Data is only valid inside the handler; SendAsync copies it before returning.
        _ = message.IsText ? connection.SendAsync(message.Text) : connection.SendAsync(message.Data);
    }

    private static ValueTask<WsHttpResponse?> ServePage(WsConnectionInfo request)
    {
        var response = request.Path is "/" or "/index.html"
            ? WsHttpResponse.Html(s_page.Value)
            : WsHttpResponse.NotFound();
        response.Headers["Cache-Control"] = "no-store";
        return new ValueTask<WsHttpResponse?>(response);
    }

    private static string LoadPage()
    {
        const string name = "EmbedWs.Samples.ConsoleHost.index.html";
        using var stream = typeof(ConsoleHostServer).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource '{name}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
