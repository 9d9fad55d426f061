using System.Linq;
using System.Text;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Conformance;

/// <summary>
/// Valid framing over loopback against an echo server (RFC 6455 §5): every length encoding,
/// frames split across reads, fragmentation with control frames in between, UTF-8 split across
/// fragments. Each test ends with a clean close and one OnClose per connection.
/// </summary>
public class FramingConformanceTests
{
    [TestCase(0, 0)]
    [TestCase(125, 125)]
    [TestCase(126, 126)]
    [TestCase(127, 126)]
    [TestCase(65535, 126)]
    [TestCase(65536, 127)]
    [TestCase(1024 * 1024, 127)]
    public async Task Echo_TextOfLength_ComesBackUnchangedWithMinimalLengthEncoding(int length, int expectedLen7)
    {
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            text.Append((char)('a' + (i % 26)));
        }

        var payload = Encoding.UTF8.GetBytes(text.ToString());
        await AssertEchoAsync(ClientFrame.OpText, payload, expectedLen7);
    }

    [TestCase(0, 0)]
    [TestCase(125, 125)]
    [TestCase(126, 126)]
    [TestCase(127, 126)]
    [TestCase(65535, 126)]
    [TestCase(65536, 127)]
    [TestCase(1024 * 1024, 127)]
    public async Task Echo_BinaryOfLength_ComesBackUnchangedWithMinimalLengthEncoding(int length, int expectedLen7)
    {
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        await AssertEchoAsync(ClientFrame.OpBinary, payload, expectedLen7);
    }

    [Test]
    public async Task Echo_FramesWrittenOneByteAtATime_AreEchoed()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);
        var binary = new byte[300];
        new Random(3).NextBytes(binary);

        await client.SendByteByByteAsync(ClientFrame.Text("one byte at a time"));
        await client.SendByteByByteAsync(ClientFrame.Binary(binary));

        Assert.That(await client.ReadTextAsync(), Is.EqualTo("one byte at a time"));
        var (opcode, echoed) = await client.ReadMessageAsync();
        Assert.That(opcode, Is.EqualTo(ClientFrame.OpBinary));
        Assert.That(echoed, Is.EqualTo(binary));
        await CloseCleanlyAsync(server, client);
    }

    [Test]
    public async Task ControlFrames_WrittenOneByteAtATime_PingAnsweredAndCloseEchoed()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);
        var connection = await server.NextConnectionAsync();

        await client.SendByteByByteAsync(ClientFrame.Ping("ping in pieces"u8));
        var pong = await client.ReadFrameAsync();
        Assert.That(pong.Opcode, Is.EqualTo(ClientFrame.OpPong));
        Assert.That(pong.Text, Is.EqualTo("ping in pieces"));

        await client.SendByteByByteAsync(ClientFrame.Close(4001, "close in pieces"));
        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(4001));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        Assert.That((await server.CloseOfAsync(connection)).Reason, Is.EqualTo("close in pieces"));
    }

    [Test]
    public async Task Limits_MessageExactlyAtLimitAcrossFragments_IsDelivered()
    {
        await using var server = await RecordingServer.StartEchoAsync(o => o.MaxMessageSize = 1024);
        await using var client = await RawClient.OpenAsync(server.Port);
        var payload = new byte[1024];
        new Random(1024).NextBytes(payload);

        await client.SendAsync(ClientFrame.Concat(
            ClientFrame.Binary(payload.AsSpan(0, 600), fin: false),
            ClientFrame.Continuation(payload.AsSpan(600), fin: true)));

        var (_, echoed) = await client.ReadMessageAsync();
        Assert.That(echoed, Is.EqualTo(payload));
        await CloseCleanlyAsync(server, client);
    }

    [Test]
    public async Task Fragmented_ThreeFragmentsWithPingBetween_PongFirstThenReassembledEcho()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);

        await client.SendAsync(ClientFrame.Text("Hel", fin: false));
        await client.SendAsync(ClientFrame.Ping("p1"u8));
        await client.SendAsync(ClientFrame.Continuation("lo, ", fin: false));
        await client.SendAsync(ClientFrame.Continuation("world", fin: true));

        var pong = await client.ReadFrameAsync();
        Assert.That(pong.Opcode, Is.EqualTo(ClientFrame.OpPong));
        Assert.That(pong.Text, Is.EqualTo("p1"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("Hello, world"));
        await CloseCleanlyAsync(server, client);
    }

    [Test]
    public async Task Fragmented_BinaryWithEmptyFragments_IsReassembled()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);

        await client.SendAsync(ClientFrame.Concat(
            ClientFrame.Binary(ReadOnlySpan<byte>.Empty, fin: false),
            ClientFrame.Continuation(new byte[] { 1, 2 }, fin: false),
            ClientFrame.Continuation(ReadOnlySpan<byte>.Empty, fin: false),
            ClientFrame.Continuation(new byte[] { 3 }, fin: true)));

        var (opcode, payload) = await client.ReadMessageAsync();
        Assert.That(opcode, Is.EqualTo(ClientFrame.OpBinary));
        Assert.That(payload, Is.EqualTo(new byte[] { 1, 2, 3 }));
        await CloseCleanlyAsync(server, client);
    }

    [Test]
    public async Task Ping_WithPayload_PongCarriesSamePayload()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);
        var payload = new byte[125];
        new Random(125).NextBytes(payload);

        await client.SendAsync(ClientFrame.Ping(payload));

        var pong = await client.ReadFrameAsync();
        Assert.That(pong.Opcode, Is.EqualTo(ClientFrame.OpPong));
        Assert.That(pong.Payload, Is.EqualTo(payload));
        await CloseCleanlyAsync(server, client);
    }

    [Test]
    public async Task Pong_Unsolicited_IsIgnored()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);

        await client.SendAsync(ClientFrame.Concat(ClientFrame.Pong("x"u8), ClientFrame.Text("after pong")));

        Assert.That(await client.ReadTextAsync(), Is.EqualTo("after pong"));
        await CloseCleanlyAsync(server, client);
    }

    // "κόσμε" and "€𝄞", split inside multi-byte characters.
    [TestCase("cebae1bd b9cf83ce bcceb5", TestName = "Utf8_GreekSplitInsideCharacters_IsEchoed")]
    [TestCase("e2 82 ac", TestName = "Utf8_ThreeByteCharInThreeFragments_IsEchoed")]
    [TestCase("f09d 849e e282ac", TestName = "Utf8_FourByteCharSplitInHalf_IsEchoed")]
    public async Task Utf8_ValidCharSplitAcrossFragments_IsEchoed(string fragmentsHex)
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);
        var fragments = fragmentsHex.Split(' ').Select(Convert.FromHexString).ToArray();

        for (int i = 0; i < fragments.Length; i++)
        {
            bool fin = i == fragments.Length - 1;
            await client.SendAsync(i == 0 ? ClientFrame.TextBytes(fragments[i], fin) : ClientFrame.Continuation(fragments[i], fin));
        }

        var (opcode, payload) = await client.ReadMessageAsync();
        Assert.That(opcode, Is.EqualTo(ClientFrame.OpText));
        Assert.That(payload, Is.EqualTo(fragments.SelectMany(f => f).ToArray()));
        await CloseCleanlyAsync(server, client);
    }

    [Test]
    public async Task Echo_ManyFramesInOneWrite_AllEchoedInOrder()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);

        await client.SendAsync(ClientFrame.Concat(Enumerable.Range(0, 200).Select(i => ClientFrame.Text($"m{i}")).ToArray()));

        for (int i = 0; i < 200; i++)
        {
            Assert.That(await client.ReadTextAsync(), Is.EqualTo($"m{i}"));
        }

        await CloseCleanlyAsync(server, client);
    }

    private static async Task AssertEchoAsync(byte opcode, byte[] payload, int expectedLen7)
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);

        await client.SendAsync(ClientFrame.Build(opcode, payload));
        var frame = await client.ReadFrameAsync();

        Assert.That(frame.Opcode, Is.EqualTo(opcode));
        Assert.That(frame.Fin, Is.True);
        Assert.That(frame.Len7, Is.EqualTo(expectedLen7), "server frame length encoding");
        Assert.That(frame.Payload.Length, Is.EqualTo(payload.Length));
        Assert.That(frame.Payload.AsSpan().SequenceEqual(payload), Is.True, "echoed payload differs");
        await CloseCleanlyAsync(server, client);
    }

    // The client closes with 1000; the server echoes it, ends TCP, and raises one OnClose.
    internal static async Task CloseCleanlyAsync(RecordingServer server, RawClient client)
    {
        await client.SendAsync(ClientFrame.Close(1000, "done"));
        var close = await client.ReadCloseAsync();
        Assert.That(close.Code, Is.EqualTo(1000));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        await server.WaitCloseCountAsync(server.ConnectCount);
        await server.StopAndAssertOneClosePerConnectionAsync();
    }
}
