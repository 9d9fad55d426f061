using EmbedWs;

namespace Snippets;

internal static class AsyncHandlers
{
    public static void Configure(WsServer server, IMessageStore store)
    {
        #region snippet
        server.OnConnect += conn => Console.WriteLine($"#{conn.Id} joined");          // synchronous
        server.OnMessage += async (conn, msg) =>                                        // asynchronous: awaited
        {
            await store.SaveAsync(conn.Id, msg.Text, conn.Closed);   // this connection's next message waits
            conn.Send("saved");
        };
        server.OnClose += (conn, close) => { _ = store.ForgetAsync(conn.Id); };        // fire and forget: a block body
        // Not 'conn => _ = store.ForgetAsync(conn.Id)': that lambda returns the Task, so it is awaited.
        #endregion
    }
}

/// <summary>Stands for the application's own storage.</summary>
internal interface IMessageStore
{
    Task SaveAsync(long connection, string text, CancellationToken cancellationToken);

    Task ForgetAsync(long connection);
}
