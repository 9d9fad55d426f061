#region snippet
using EmbedWs;
#endregion

namespace EmbedWs.Readme;

internal static class EchoServer
{
    public static async Task RunAsync()
    {
        #region snippet
        await using var server = new WsServer("ws://localhost:8080");
        server.OnConnect += conn => Console.WriteLine($"#{conn.Id} from {conn.Info.RemoteEndPoint} on {conn.Info.Path}");
        server.OnMessage += (conn, msg) => _ = msg.IsText ? conn.Send(msg.Text) : conn.Send(msg.Data);
        server.OnClose += (conn, close) => Console.WriteLine($"#{conn.Id} closed {close.Code} {close.Reason} ({close.Cause})");
        await server.StartAsync();
        Console.WriteLine($"Listening on port {server.Port}; press Enter to stop");
        Console.ReadLine();
        #endregion
    }
}
