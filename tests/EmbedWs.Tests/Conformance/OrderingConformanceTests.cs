using System.Linq;
using System.Text;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Conformance;

/// <summary>
/// What leaves, in which order, when a client's frames arrive together (Autobahn 2.10, 2.11,
/// 3.2-4.2.5, 5.15): with the default dispatch, the echo of a valid message leaves before the
/// close that a bad frame after it causes, and every ping of a burst gets its pong.
/// </summary>
public class OrderingConformanceTests
{
    [Test]
    public async Task ValidMessageThenReservedBitsInOneWrite_EchoLeavesBeforeClose1002()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);

        byte[] bad = ClientFrame.Text("bad");
        bad[0] |= 0x40;   // RSV1 with no extension negotiated
        await client.SendAsync(ClientFrame.Concat(ClientFrame.Text("good"), bad, ClientFrame.Ping()));

        Assert.That(await client.ReadTextAsync(), Is.EqualTo("good"));
        var close = await client.ReadCloseAsync();
        Assert.That(close.Code, Is.EqualTo(1002));
        await client.AssertServerClosedAsync(RawClient.Timeout);
    }

    [Test]
    public async Task ValidFragmentedMessageThenBadContinuation_EchoLeavesFirst()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);

        await client.SendAsync(ClientFrame.Concat(
            ClientFrame.Text("frag", fin: false), ClientFrame.Continuation("ment", fin: true), ClientFrame.Continuation("stray", fin: true)));

        Assert.That(await client.ReadTextAsync(), Is.EqualTo("fragment"));
        Assert.That((await client.ReadCloseAsync()).Code, Is.EqualTo(1002));
    }

    [TestCase(10)]
    [TestCase(16)]
    public async Task PingsInOneWrite_EachGetsItsPong_InOrder(int count)
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);
        var payloads = Enumerable.Range(0, count).Select(i => "payload-" + i).ToArray();

        await client.SendAsync(ClientFrame.Concat(payloads.Select(p => ClientFrame.Ping(Encoding.ASCII.GetBytes(p))).ToArray()));

        foreach (var payload in payloads)
        {
            var pong = await client.ReadFrameAsync();
            Assert.That(pong.Opcode, Is.EqualTo(ClientFrame.OpPong));
            Assert.That(Encoding.ASCII.GetString(pong.Payload), Is.EqualTo(payload));
        }
    }

    [Test]
    public async Task PingsSentByteByByte_EachGetsItsPong()
    {
        await using var server = await RecordingServer.StartEchoAsync();
        await using var client = await RawClient.OpenAsync(server.Port);

        await client.SendByteByByteAsync(ClientFrame.Concat(Enumerable.Range(0, 10).Select(i => ClientFrame.Ping(new[] { (byte)i })).ToArray()));

        for (int i = 0; i < 10; i++)
        {
            Assert.That((await client.ReadFrameAsync()).Payload, Is.EqualTo(new[] { (byte)i }));
        }
    }
}
