using EmbedWs;

namespace Snippets;

internal static class Sending
{
    public static async Task SendFileAsync(IWsConnection conn, Stream file)
    {
        #region snippet
        bool queued = conn.Send("hello");                     // false: closing, closed, or its send queue is full
        conn.SendJson("file.start", new { name = "map.bin" }); // {"type":"file.start","data":{"name":"map.bin"}}
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = await file.ReadAsync(chunk, conn.Closed)) > 0)
        {
            conn.Send(chunk.AsMemory(0, n));                  // the bytes are copied (or written) before Send returns
            if (!await conn.FlushAsync(conn.Closed))          // wait until the socket took them: the queue stays small
            {
                return;                                       // the connection ended first
            }
        }

        conn.Close(4000, "file sent");                        // the close frame leaves after what is queued
        #endregion
    }
}
