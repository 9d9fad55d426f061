using System.Text.Json;
using EmbedWs.Transport;

namespace EmbedWs.Tests.TestSupport;

/// <summary>
/// For the delivery-class tests (docs/sending.md): a client that did its handshake and then reads
/// nothing, with small socket buffers on both ends so that the server's queue fills soon, and the
/// keyed state updates of about 1 KB those tests send and read back.
/// </summary>
internal static class StalledClient
{
    /// <summary>Padding that makes each test message about 1 KB.</summary>
    public static readonly string Pad = new('p', 1000);

    /// <summary>Connects, waits for the server's side of the connection, and shrinks its socket send buffer.</summary>
    public static async Task<(RawClient Client, IWsConnection Connection)> OpenAsync(RecordingServer server)
    {
        var client = await RawClient.OpenAsync(server.Port, s => s.ReceiveBufferSize = 4096);
        var connection = await server.NextConnectionAsync();
        connection.Transport().Socket!.SendBufferSize = 4096;
        return (client, connection);
    }

    /// <summary>The state of <paramref name="key"/> at <paramref name="value"/>, as JSON text.</summary>
    public static string Update(int key, int value) => $"{{\"k\":{key},\"v\":{value},\"pad\":\"{Pad}\"}}";

    /// <summary>The key and value of an <see cref="Update"/>.</summary>
    public static (int Key, int Value) Parse(string text)
    {
        using var json = JsonDocument.Parse(text);
        return (json.RootElement.GetProperty("k").GetInt32(), json.RootElement.GetProperty("v").GetInt32());
    }
}
