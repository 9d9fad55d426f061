using System.IO.Compression;
using EmbedWs.Protocol;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Protocol;

// Compressed frames through the session (RFC 7692): messages come out inflated; a bad one ends
// the session with the close the RFCs ask for, and nothing is read after it.
public partial class WsSessionTests
{
    private PerMessageDeflate UseDeflate()
    {
        var deflate = new PerMessageDeflate(
            new DeflateParameters(serverNoContextTakeover: true, clientNoContextTakeover: false, serverMaxWindowBits: 15, answerServerWindowBits: false),
            threshold: 0, CompressionLevel.Fastest);
        _session.Dispose();
        _session = new WsSession(_sink, new SessionLimits(maxMessageSize: 1024, maxFragments: 4, ReadTimeout, CloseTimeout), deflate);
        _session.Open();
        return deflate;
    }

    [Test]
    public void Receive_CompressedMessages_AreMessagesInflated()
    {
        using var deflate = UseDeflate();
        using var client = new TestDeflate();

        var events = Feed(ClientFrame.Concat(client.TextFrame("hello hello hello"), ClientFrame.Text("plain"), client.TextFrame("hello again")));

        Assert.That(events, Is.EqualTo(new[] { "message hello hello hello", "message plain", "message hello again" }));
    }

    [Test]
    public void Receive_CompressedMessageInflatingPastTheLimit_ClosesWith1009()
    {
        using var deflate = UseDeflate();
        using var client = new TestDeflate();

        var events = Feed(ClientFrame.Concat(client.TextFrame(new string('a', 100_000)), ClientFrame.Text("ignored")));

        Assert.That(events, Is.EqualTo(new[] { "error" }));
        Assert.That(_sink.Frames, Is.EqualTo(new[] { "close 1009 message_too_big" }));
        Assert.That(_session.CloseInfo!.Cause, Is.EqualTo(WsCloseCause.MessageTooBig));
        Assert.That(Feed(ClientFrame.Text("more")), Is.Empty);
    }

    [Test]
    public void Receive_Rsv1WithoutNegotiation_ClosesWith1002()
    {
        _session.Open();

        var events = Feed(ClientFrame.Build(ClientFrame.OpText, Convert.FromHexString("f248cdc9c90700"), rsv: 0b100));

        Assert.That(events, Is.EqualTo(new[] { "error" }));
        Assert.That(_sink.Frames, Is.EqualTo(new[] { "close 1002 reserved_bits" }));
    }

    [Test]
    public void Receive_CompressedDataThatIsNotDeflate_ClosesWith1007()
    {
        using var deflate = UseDeflate();

        var events = Feed(ClientFrame.Build(ClientFrame.OpBinary, new byte[] { 0xFF, 0xFF }, rsv: 0b100));

        Assert.That(events, Is.EqualTo(new[] { "error" }));
        Assert.That(_sink.Frames, Is.EqualTo(new[] { "close 1007 invalid_compressed_data" }));
    }
}
