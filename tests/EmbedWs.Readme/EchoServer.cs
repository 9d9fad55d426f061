#region snippet
using EmbedWs;

#endregion
namespace Snippets;

internal static class EchoServer
{
    public static async Task RunAsync()
    {
        #region snippet
        await using var server = new WsServer("ws://localhost:8080");
        server.OnConnect += conn => Console.WriteLine($"#{conn.Id} from {conn.Info.RemoteEndPoint} on {conn.Info.Path}");
        server.OnMessage += (conn, msg) =>
        {
            if (msg.IsText) conn.Send(msg.Text); else conn.Send(msg.Data);   // Send only queues: it never blocks
        };
        server.OnClose += (conn, close) => Console.WriteLine($"#{conn.Id} closed {close.Code} {close.Reason} ({close.Cause})");
        await server.StartAsync();
        Console.WriteLine($"Listening on port {server.Port}; press Enter to stop");
        Console.ReadLine();
        #endregion
    }
}
