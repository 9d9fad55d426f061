using System.Diagnostics;
using System.Linq;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Conformance;

/// <summary>
/// The closing handshake over loopback (RFC 6455 §5.5.1, §7): close codes from the client,
/// close payload rules, the server's own close, and no data after a close.
/// </summary>
public class CloseConformanceTests
{
    [TestCase((ushort)1000)]
    [TestCase((ushort)1001)]
    [TestCase((ushort)1002)]
    [TestCase((ushort)1003)]
    [TestCase((ushort)1007)]
    [TestCase((ushort)1008)]
    [TestCase((ushort)1009)]
    [TestCase((ushort)1010)]
    [TestCase((ushort)1011)]
    [TestCase((ushort)3000)]
    [TestCase((ushort)3999)]
    [TestCase((ushort)4000)]
    [TestCase((ushort)4999)]
    public async Task Close_ValidCode_IsEchoed_AndOnCloseHasItWithClientClosed(ushort code)
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        await client.SendAsync(ClientFrame.Close(code, "reason ü"));

        var close = await client.ReadCloseAsync();
        Assert.That(close.Code, Is.EqualTo(code), "the server's close frame echoes the code");
        await client.AssertServerClosedAsync(RawClient.Timeout);
        var info = await server.CloseOfAsync(connection);
        Assert.That(info.Code, Is.EqualTo(code));
        Assert.That(info.Reason, Is.EqualTo("reason ü"));
        Assert.That(info.Cause, Is.EqualTo(WsCloseCause.ClientClosed));
        await server.AssertStillServesAsync();
        await server.StopAndAssertOneClosePerConnectionAsync();
    }

    [TestCase((ushort)0)]
    [TestCase((ushort)999)]
    [TestCase((ushort)1004)]
    [TestCase((ushort)1005)]
    [TestCase((ushort)1006)]
    [TestCase((ushort)1015)]
    [TestCase((ushort)1016)]
    [TestCase((ushort)2000)]
    [TestCase((ushort)2999)]
    [TestCase((ushort)5000)]
    [TestCase((ushort)65535)]
    public Task Close_InvalidCode_Closes1002(ushort code) =>
        ProtocolViolation.AssertProtocolErrorAsync(ClientFrame.Close(code));

    [Test]
    public Task Close_PayloadOfOneByte_Closes1002() =>
        ProtocolViolation.AssertProtocolErrorAsync(ClientFrame.CloseRaw(new byte[] { 0x03 }));

    [Test]
    public Task Close_ReasonNotUtf8_Closes1007() =>
        ProtocolViolation.AssertInvalidUtf8Async(ClientFrame.CloseRaw(new byte[] { 0x03, 0xE8, 0xFF, 0xFE }));

    [Test]
    public async Task Close_EmptyPayload_ServerRepliesWithClose_AndOnCloseCode1005()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        await client.SendAsync(ClientFrame.Close());

        var close = await client.ReadCloseAsync();
        Assert.That(close.Code, Is.EqualTo(1005).Or.EqualTo(1000), "an empty close is answered empty (or with 1000)");
        await client.AssertServerClosedAsync(RawClient.Timeout);
        var info = await server.CloseOfAsync(connection);
        Assert.That(info.Code, Is.EqualTo(1005));
        Assert.That(info.Cause, Is.EqualTo(WsCloseCause.ClientClosed));
        await server.StopAndAssertOneClosePerConnectionAsync();
    }

    [Test]
    public async Task Close_DataFrameRightBeforeClose_IsDeliveredBeforeOnClose_AndCloseIsEchoed()
    {
        // The message is delivered before OnClose. Whether its echo still leaves depends on
        // whether the handler ran before the server answered the close (§5.5.1 allows either),
        // but nothing may follow the close frame.
        var events = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RecordingServer.StartEchoAsync(wire: s =>
        {
            s.OnMessage += (_, m) => events.Enqueue("message " + m.Text);
            s.OnClose += (_, c) =>
            {
                events.Enqueue("close " + c.Code);
                closed.TrySetResult();
            };
        });
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        await client.SendAsync(ClientFrame.Concat(ClientFrame.Text("last words"), ClientFrame.Close(1000)));

        var frame = await client.ReadFrameAsync();
        if (frame.Opcode == ClientFrame.OpText)
        {
            Assert.That(frame.Text, Is.EqualTo("last words"));
            frame = await client.ReadFrameAsync();
        }

        Assert.That(frame.Opcode, Is.EqualTo(ClientFrame.OpClose));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        await server.CloseOfAsync(connection);
        // The recording server's own OnClose may complete CloseOfAsync before this test's handler ran.
        await closed.Task.WaitAsync(RawClient.Timeout);
        Assert.That(events, Is.EqualTo(new[] { "message last words", "close 1000" }));
    }

    [Test]
    public async Task ServerClose_Close4000Bye_ClientReadsIt_AnswersIt_TcpEnds_OnCloseServerClosed()
    {
        await using var server = await RecordingServer.StartEchoAsync(o => o.CloseTimeout = TimeSpan.FromSeconds(5));
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        connection.Close(4000, "bye");

        var close = await client.ReadCloseAsync();
        Assert.That(close.Code, Is.EqualTo(4000));
        Assert.That(close.Reason, Is.EqualTo("bye"));
        Assert.That(connection.State, Is.Not.EqualTo(WsConnectionState.Open));
        var clock = Stopwatch.StartNew();
        await client.SendAsync(ClientFrame.Close(4000));
        await client.AssertServerClosedAsync(TimeSpan.FromSeconds(2), "the server must end TCP once the client answered its close");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        var info = await server.CloseOfAsync(connection);
        Assert.That(info.Cause, Is.EqualTo(WsCloseCause.ServerClosed));
        Assert.That(info.Code, Is.EqualTo(4000));
        Assert.That(info.Reason, Is.EqualTo("bye"));
        await server.StopAndAssertOneClosePerConnectionAsync();
    }

    [Test]
    public async Task ServerClose_ReasonLongerThan123Bytes_IsCutToValidUtf8ThatFits()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        string reason = string.Concat(Enumerable.Repeat("é€", 40)); // 200 bytes of 2- and 3-byte characters

        connection.Close(4002, reason);

        // ReadCloseAsync fails on a control payload over 125 bytes or a reason that is not UTF-8.
        var close = await client.ReadCloseAsync();
        Assert.That(close.Code, Is.EqualTo(4002));
        Assert.That(reason, Does.StartWith(close.Reason));
        Assert.That(System.Text.Encoding.UTF8.GetByteCount(close.Reason), Is.InRange(119, 123));
        await client.SendAsync(ClientFrame.Close(4002));
        await client.AssertServerClosedAsync(RawClient.Timeout);
    }

    [Test]
    public async Task ServerClose_ClientNeverAnswers_SocketDroppedAfterCloseTimeout()
    {
        await using var server = await RecordingServer.StartEchoAsync(o => o.CloseTimeout = TimeSpan.FromMilliseconds(500));
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();
        var clock = Stopwatch.StartNew();

        connection.Close(4000, "bye");

        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(4000));
        await client.AssertServerClosedAsync(TimeSpan.FromSeconds(4), "a client that never answers the close is dropped after CloseTimeout");
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromMilliseconds(400)), "dropped before CloseTimeout");
        var info = await server.CloseOfAsync(connection);
        Assert.That(info.Cause, Is.EqualTo(WsCloseCause.ServerClosed));
        Assert.That(info.Code, Is.EqualTo(4000));
        await server.StopAndAssertOneClosePerConnectionAsync();
    }

    [Test]
    public async Task ServerClose_SendAfterClose_ReturnsFalse_AndNothingFollowsTheCloseFrame()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        connection.Close(1000, "done");
        bool textSent = connection.Send("too late");
        bool binarySent = connection.Send(new byte[] { 1 });
        int broadcast = server.Server.Broadcast("to all");

        Assert.That(textSent, Is.False);
        Assert.That(binarySent, Is.False);
        Assert.That(broadcast, Is.Zero);
        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1000));
        await client.SendAsync(ClientFrame.Close(1000));
        // Nothing after the close frame: the next read is the end of TCP, not another frame.
        await client.AssertServerClosedAsync(RawClient.Timeout);
    }

    [Test]
    public async Task ClientClose_MessagesAfterTheClientsClose_AreNotDelivered()
    {
        int delivered = 0;
        await using var server = await RecordingServer.StartEchoAsync(wire: s => s.OnMessage += (_, _) => System.Threading.Interlocked.Increment(ref delivered));
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        await client.SendAsync(ClientFrame.Concat(ClientFrame.Close(1000), ClientFrame.Text("after close")));

        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1000));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        await server.CloseOfAsync(connection);
        Assert.That(delivered, Is.Zero);
    }
}
