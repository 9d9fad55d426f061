using System.Diagnostics;
using System.Threading;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Conformance;

/// <summary>
/// Every way a client can break RFC 6455 framing, over loopback: the server must fail the
/// connection with the right close code (1002, 1007, 1009), end TCP, raise one OnClose, and go
/// on serving. See <see cref="ProtocolViolation.AssertClosesWithAsync"/> for the full check.
/// </summary>
public class ProtocolErrorConformanceTests
{
    [TestCase((byte)0b100, TestName = "Framing_Rsv1Set_Closes1002")]
    [TestCase((byte)0b010, TestName = "Framing_Rsv2Set_Closes1002")]
    [TestCase((byte)0b001, TestName = "Framing_Rsv3Set_Closes1002")]
    public Task Framing_ReservedBit_Closes1002(byte rsv) =>
        ProtocolViolation.AssertProtocolErrorAsync(ClientFrame.Build(ClientFrame.OpText, "x"u8, rsv: rsv));

    [TestCase((byte)0x3)]
    [TestCase((byte)0x4)]
    [TestCase((byte)0x5)]
    [TestCase((byte)0x6)]
    [TestCase((byte)0x7)]
    [TestCase((byte)0xB)]
    [TestCase((byte)0xC)]
    [TestCase((byte)0xD)]
    [TestCase((byte)0xE)]
    [TestCase((byte)0xF)]
    public Task Framing_ReservedOpcode_Closes1002(byte opcode) =>
        ProtocolViolation.AssertProtocolErrorAsync(ClientFrame.Build(opcode, "x"u8));

    [Test]
    public Task Framing_UnmaskedFrame_Closes1002() =>
        ProtocolViolation.AssertProtocolErrorAsync(ClientFrame.Text("not masked", masked: false));

    [Test]
    public Task Framing_PingWith126Bytes_Closes1002() =>
        ProtocolViolation.AssertProtocolErrorAsync(ClientFrame.Ping(new byte[126]));

    [Test]
    public Task Framing_FragmentedPing_Closes1002() =>
        ProtocolViolation.AssertProtocolErrorAsync(ClientFrame.Build(ClientFrame.OpPing, "p"u8, fin: false));

    [Test]
    public Task Framing_FragmentedClose_Closes1002() =>
        ProtocolViolation.AssertProtocolErrorAsync(ClientFrame.Build(ClientFrame.OpClose, new byte[] { 0x03, 0xE8 }, fin: false));

    [Test]
    public Task Framing_ContinuationWithoutStart_Closes1002() =>
        ProtocolViolation.AssertProtocolErrorAsync(ClientFrame.Continuation("orphan"));

    [Test]
    public Task Framing_TextFrameInsideOpenFragmentedMessage_Closes1002() =>
        ProtocolViolation.AssertProtocolErrorAsync(ClientFrame.Concat(ClientFrame.Text("a", fin: false), ClientFrame.Text("b")));

    [Test]
    public Task Framing_BinaryFrameInsideOpenFragmentedMessage_Closes1002() =>
        ProtocolViolation.AssertProtocolErrorAsync(ClientFrame.Concat(ClientFrame.Binary(new byte[] { 1 }, fin: false), ClientFrame.Binary(new byte[] { 2 })));

    [Test]
    public Task Framing_64BitLengthWithTopBitSet_Closes1002() =>
        ProtocolViolation.AssertProtocolErrorAsync(ClientFrame.Header(ClientFrame.OpBinary, 0x8000_0000_0000_0000UL));

    [TestCase("ff", TestName = "Utf8_ByteFF_Closes1007")]
    [TestCase("c328", TestName = "Utf8_BadContinuationByte_Closes1007")]
    [TestCase("c0af", TestName = "Utf8_OverlongSlash_Closes1007")]
    [TestCase("eda080", TestName = "Utf8_EncodedSurrogate_Closes1007")]
    [TestCase("f4908080", TestName = "Utf8_AboveU10FFFF_Closes1007")]
    [TestCase("48656c6c6fce", TestName = "Utf8_TruncatedAtEnd_Closes1007")]
    public Task Utf8_InvalidText_Closes1007(string hex) =>
        ProtocolViolation.AssertInvalidUtf8Async(ClientFrame.TextBytes(Convert.FromHexString(hex)));

    [Test]
    public Task Utf8_InvalidSequenceSplitAcrossFragments_Closes1007() =>
        // 0xCE starts a 2-byte character; 0x41 in the next fragment cannot continue it.
        ProtocolViolation.AssertInvalidUtf8Async(ClientFrame.Concat(
            ClientFrame.TextBytes(new byte[] { 0x61, 0xCE }, fin: false),
            ClientFrame.Continuation(new byte[] { 0x41 }, fin: true)));

    [Test]
    public Task Utf8_MessageEndingInsideCharacterAcrossFragments_Closes1007() =>
        ProtocolViolation.AssertInvalidUtf8Async(ClientFrame.Concat(
            ClientFrame.TextBytes(new byte[] { 0x61 }, fin: false),
            ClientFrame.Continuation(new byte[] { 0xE2, 0x82 }, fin: true)));

    [Test]
    public async Task Utf8_InvalidByteInFirstFragment_Closes1007BeforeMessageEnds()
    {
        // §8.1 lets an endpoint fail as soon as the text cannot be valid: the final fragment
        // is never sent, so only a streaming check closes this connection.
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);

        var (close, _) = await ProtocolViolation.SendAndReadCloseAsync(client, ClientFrame.TextBytes(new byte[] { 0x61, 0xFF }, fin: false));

        Assert.That(close.Code, Is.EqualTo(1007));
    }

    [Test]
    public Task Limits_MessageOneByteOverLimit_Closes1009WithMessageTooBig() =>
        ProtocolViolation.AssertClosesWithAsync(ClientFrame.Binary(new byte[1025]), 1009, WsCloseCause.MessageTooBig,
            o => o.MaxMessageSize = 1024);

    [Test]
    public Task Limits_TextOneByteOverDefault1MiB_Closes1009() =>
        ProtocolViolation.AssertClosesWithAsync(ClientFrame.Text(new string('a', 1024 * 1024 + 1)), 1009, WsCloseCause.MessageTooBig);

    [Test]
    public Task Limits_CountedAcrossFragments_TwoFragmentsOf600WithLimit1024_Closes1009() =>
        ProtocolViolation.AssertClosesWithAsync(
            ClientFrame.Concat(ClientFrame.Binary(new byte[600], fin: false), ClientFrame.Continuation(new byte[600], fin: true)),
            1009, WsCloseCause.MessageTooBig, o => o.MaxMessageSize = 1024);

    [Test]
    public async Task Limits_HeaderDeclaringTwoTo63MinusOneBytes_Closes1009Promptly()
    {
        // Only the header is sent: the server must decide from the header, not wait for 8 EiB.
        await using var server = await RecordingServer.StartEchoAsync(o => o.CloseTimeout = ProtocolViolation.CloseTimeout);
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        var (close, elapsed) = await ProtocolViolation.SendAndReadCloseAsync(client, ClientFrame.Header(ClientFrame.OpBinary, long.MaxValue));

        Assert.That(close.Code, Is.EqualTo(1009));
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        await client.SendAsync(ClientFrame.Close(1009));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        Assert.That((await server.CloseOfAsync(connection)).Cause, Is.EqualTo(WsCloseCause.MessageTooBig));
        await server.AssertStillServesAsync();
    }

    [Test]
    public async Task ProtocolError_ClientAnswersClose_ServerEndsTcpWithoutWaitingForCloseTimeout()
    {
        // §5.5.1: after both sending and receiving a close frame, an endpoint MUST close TCP,
        // and §7.1.1 wants the server to close first. A client that answers the server's 1002
        // promptly should not be kept waiting for the whole CloseTimeout.
        await using var server = await RecordingServer.StartEchoAsync(o => o.CloseTimeout = TimeSpan.FromSeconds(5));
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        var (close, _) = await ProtocolViolation.SendAndReadCloseAsync(client, ClientFrame.Continuation("orphan"));
        Assert.That(close.Code, Is.EqualTo(1002));
        var clock = Stopwatch.StartNew();
        await client.SendAsync(ClientFrame.Close(1002));

        bool closed = await client.WaitServerClosedAsync(TimeSpan.FromSeconds(2));
        Assert.That(closed, Is.True,
            $"the server kept TCP open after the closing handshake completed (waited {clock.ElapsedMilliseconds} ms; CloseTimeout is 5 s)");
        Assert.That((await server.CloseOfAsync(connection)).Code, Is.EqualTo(1002));
    }

    [Test]
    public async Task ProtocolError_ClientNeverAnswers_ServerEndsTcpAfterCloseTimeout()
    {
        await using var server = await RecordingServer.StartEchoAsync(o => o.CloseTimeout = TimeSpan.FromMilliseconds(500));
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        var (close, _) = await ProtocolViolation.SendAndReadCloseAsync(client, ClientFrame.Text("x", masked: false));

        Assert.That(close.Code, Is.EqualTo(1002));
        await client.AssertServerClosedAsync(TimeSpan.FromSeconds(4), "the server must drop a client that never answers its close");
        var info = await server.CloseOfAsync(connection);
        Assert.That(info.Code, Is.EqualTo(1002));
        Assert.That(info.Cause, Is.EqualTo(WsCloseCause.ProtocolError));
    }

    [Test]
    public async Task ProtocolError_DataAfterBadFrame_IsNotDelivered()
    {
        var delivered = 0;
        await using var server = await RecordingServer.StartEchoAsync(
            o => o.CloseTimeout = ProtocolViolation.CloseTimeout,
            s => s.OnMessage += (_, _) => Interlocked.Increment(ref delivered));
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        var (close, _) = await ProtocolViolation.SendAndReadCloseAsync(client,
            ClientFrame.Concat(ClientFrame.Build(0x3, "x"u8), ClientFrame.Text("after the error")));

        Assert.That(close.Code, Is.EqualTo(1002));
        await client.SendAsync(ClientFrame.Close(1002));
        await server.CloseOfAsync(connection);
        Assert.That(delivered, Is.Zero, "a message after a protocol error reached OnMessage");
    }
}
