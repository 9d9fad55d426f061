using System.Diagnostics;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Conformance;

// The common path of every "the client broke the protocol" case: open a connection, send the
// bad bytes, and check the whole reaction of the server.
internal static class ProtocolViolation
{
    // Short, so that cases stay fast even if the server waits for it (see the dedicated test
    // ProtocolErrorConformanceTests.ProtocolError_ClientAnswersClose_ServerEndsTcpWithoutWaitingForCloseTimeout).
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromMilliseconds(500);

    // The server must answer with a close frame carrying expectedCode, end TCP once the client
    // answered the close (at the latest after CloseTimeout), raise exactly one OnClose with that
    // code and cause, and go on serving new connections.
    public static async Task AssertClosesWithAsync(
        byte[] bytes, ushort expectedCode, WsCloseCause expectedCause, Action<WsServerOptions>? configure = null)
    {
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.CloseTimeout = CloseTimeout;
            configure?.Invoke(o);
        });
        await using (var client = await RawClient.OpenAsync(server.Port))
        {
            var connection = await server.NextConnectionAsync();

            await client.SendAsync(bytes);

            var close = await client.ReadCloseAsync();
            Assert.That(close.Code, Is.EqualTo(expectedCode), "code of the server's close frame");
            await client.SendAsync(ClientFrame.Close(expectedCode));
            await client.AssertServerClosedAsync(CloseTimeout + TimeSpan.FromSeconds(3), "the server must end TCP after its close frame");
            var info = await server.CloseOfAsync(connection);
            Assert.That(info.Code, Is.EqualTo(expectedCode), "OnClose code");
            Assert.That(info.Cause, Is.EqualTo(expectedCause), "OnClose cause");
        }

        await server.AssertStillServesAsync();
        await server.StopAndAssertOneClosePerConnectionAsync();
    }

    public static Task AssertProtocolErrorAsync(byte[] bytes, Action<WsServerOptions>? configure = null) =>
        AssertClosesWithAsync(bytes, 1002, WsCloseCause.ProtocolError, configure);

    public static Task AssertInvalidUtf8Async(byte[] bytes) =>
        AssertClosesWithAsync(bytes, 1007, WsCloseCause.ProtocolError);

    // Time from sending bytes to reading the server's close frame, for "promptly" checks.
    public static async Task<(ServerClose Close, TimeSpan Elapsed)> SendAndReadCloseAsync(RawClient client, byte[] bytes)
    {
        var clock = Stopwatch.StartNew();
        await client.SendAsync(bytes);
        var close = await client.ReadCloseAsync();
        return (close, clock.Elapsed);
    }
}
