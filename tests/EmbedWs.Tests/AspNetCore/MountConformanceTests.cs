using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Text;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.AspNetCore;

/// <summary>
/// RFC 6455 after the upgrade, through <c>MapEmbedWs</c> on real Kestrel: framing (every length
/// encoding, frames in pieces), fragmentation with control frames between, UTF-8 across
/// fragments, protocol errors with their close codes, the closing handshake, the limits. The
/// handshake is Kestrel's HTTP; the frames are EmbedWs's own engine. Each test ends with the
/// server ending the connection and one OnClose.
/// </summary>
[NonParallelizable]
public class MountConformanceTests
{
    private KestrelApp _app = null!;
    private RecordingServer _server = null!;

    [SetUp]
    public async Task StartAsync() =>
        (_app, _server) = await KestrelApp.StartEchoAsync(o =>
        {
            o.MaxMessageSize = 2 * 1024 * 1024;
            o.MaxFragmentsPerMessage = 64;
            o.Heartbeat = HeartbeatPolicy.None;
        });

    [TearDown]
    public async Task StopAsync()
    {
        await _app.DisposeAsync();
        await _server.DisposeAsync();
    }

    [TestCase(0, 0)]
    [TestCase(125, 125)]
    [TestCase(126, 126)]
    [TestCase(65535, 126)]
    [TestCase(65536, 127)]
    [TestCase(1024 * 1024, 127)]
    public async Task Echo_BinaryOfLength_ComesBackWithMinimalLengthEncoding(int length, int len7)
    {
        await using var client = await OpenAsync();
        var payload = new byte[length];
        new Random(length).NextBytes(payload);

        await client.SendAsync(ClientFrame.Binary(payload));
        var frame = await client.ReadFrameAsync();

        Assert.That(frame.Opcode, Is.EqualTo(ClientFrame.OpBinary));
        Assert.That(frame.Len7, Is.EqualTo(len7));
        Assert.That(frame.Payload, Is.EqualTo(payload));
        await CloseCleanlyAsync(client);
    }

    [Test]
    public async Task Echo_FramesWrittenOneByteAtATime_AreEchoed()
    {
        await using var client = await OpenAsync();

        await client.SendByteByByteAsync(ClientFrame.Text("one byte at a time"));

        Assert.That(await client.ReadTextAsync(), Is.EqualTo("one byte at a time"));
        await CloseCleanlyAsync(client);
    }

    [Test]
    public async Task Fragments_WithPingBetween_PongFirstThenWholeMessage()
    {
        await using var client = await OpenAsync();

        await client.SendAsync(ClientFrame.Concat(
            ClientFrame.Text("frag", fin: false),
            ClientFrame.Ping("between"u8),
            ClientFrame.Continuation("men", fin: false),
            ClientFrame.Continuation("ted")));

        var pong = await client.ReadFrameAsync();
        Assert.That(pong.Opcode, Is.EqualTo(ClientFrame.OpPong));
        Assert.That(pong.Text, Is.EqualTo("between"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("fragmented"));
        await CloseCleanlyAsync(client);
    }

    [Test]
    public async Task Utf8_CodePointSplitAcrossFragments_Echoed()
    {
        await using var client = await OpenAsync();
        var euro = Encoding.UTF8.GetBytes("€");

        await client.SendAsync(ClientFrame.Concat(
            ClientFrame.TextBytes(euro.AsSpan(0, 1), fin: false),
            ClientFrame.Continuation(euro.AsSpan(1))));

        Assert.That(await client.ReadTextAsync(), Is.EqualTo("€"));
        await CloseCleanlyAsync(client);
    }

    [TestCase("invalid UTF-8", 1007)]
    [TestCase("unmasked", 1002)]
    [TestCase("reserved opcode", 1002)]
    [TestCase("RSV1 without extension", 1002)]
    [TestCase("fragmented ping", 1002)]
    [TestCase("ping over 125 bytes", 1002)]
    [TestCase("continuation first", 1002)]
    [TestCase("close code 1005 on the wire", 1002)]
    [TestCase("message over the limit", 1009)]
    [TestCase("too many fragments", 1008)]
    public async Task Violation_ClosedWithCodeAndServerEndsTheConnection(string violation, int code)
    {
        await using var client = await OpenAsync();
        var connection = await _server.NextConnectionAsync();

        await client.SendAsync(Frames(violation));

        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(code));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        Assert.That((await _server.CloseOfAsync(connection)).Code, Is.EqualTo(code));
    }

    [Test]
    public async Task Violation_ClientStillWritingTheFrame_ItsBytesAreReadThenTheConnectionEndsWithoutReset()
    {
        await using var client = await OpenAsync();
        var frame = ClientFrame.Binary(new byte[(2 * 1024 * 1024) + 1]);

        // The header declares a message over the limit; the client goes on writing its payload
        // while the server answers 1009, as a client writing a large message in one go does.
        var writing = client.SendAsync(frame);
        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1009));
        await writing;
        client.Socket.Shutdown(SocketShutdown.Send);

        // Ended with a FIN once the client ended its side: no bytes were left unread to reset it.
        using var timeout = new CancellationTokenSource(RawClient.Timeout);
        var buffer = new byte[1024];
        int n = await client.Socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        Assert.That(n, Is.Zero, "the server ends TCP cleanly (a reset would throw here)");
    }

    [Test]
    public async Task Close_ClientCode4001_EchoedAndOneOnClose()
    {
        await using var client = await OpenAsync();
        var connection = await _server.NextConnectionAsync();

        await client.SendAsync(ClientFrame.Close(4001, "bye"));

        var close = await client.ReadCloseAsync();
        Assert.That(close.Code, Is.EqualTo(4001));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        Assert.That((await _server.CloseOfAsync(connection)).Reason, Is.EqualTo("bye"));
        await _server.StopAndAssertOneClosePerConnectionAsync();
    }

    private static byte[] Frames(string violation) => violation switch
    {
        "invalid UTF-8" => ClientFrame.TextBytes(new byte[] { 0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80 }),
        "unmasked" => ClientFrame.Text("no mask", masked: false),
        "reserved opcode" => ClientFrame.Build(3, "x"u8),
        "RSV1 without extension" => ClientFrame.Build(ClientFrame.OpText, "x"u8, rsv: 0b100),
        "fragmented ping" => ClientFrame.Build(ClientFrame.OpPing, "x"u8, fin: false),
        "ping over 125 bytes" => ClientFrame.Ping(new byte[126]),
        "continuation first" => ClientFrame.Continuation("orphan"),
        "close code 1005 on the wire" => ClientFrame.Close(1005),
        // The header alone (2 + 8 length + 4 mask bytes): the server decides from the declared
        // length. Writing the whole 2 MiB raced the server's end of the connection (a broken pipe
        // on the client's write once Kestrel closed the upgraded connection with bytes unread).
        "message over the limit" => ClientFrame.Binary(new byte[(2 * 1024 * 1024) + 1]).AsSpan(0, 14).ToArray(),
        "too many fragments" => ClientFrame.Concat(Enumerable.Range(0, 65).Select(i => i == 0 ? ClientFrame.Text("a", fin: false) : ClientFrame.Continuation("a", fin: false)).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(violation)),
    };

    private Task<RawClient> OpenAsync() => RawClient.OpenAsync(_app.Port, path: "/ws");

    private async Task CloseCleanlyAsync(RawClient client)
    {
        await client.SendAsync(ClientFrame.Close(1000, "done"));
        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1000));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        await _server.WaitCloseCountAsync(_server.ConnectCount);
        await _server.StopAndAssertOneClosePerConnectionAsync();
    }
}
