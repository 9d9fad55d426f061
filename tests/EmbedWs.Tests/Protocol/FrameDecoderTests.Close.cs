using System.Linq;
using System.Text;
using EmbedWs.Protocol;
using EmbedWs.Tests.TestSupport;
using static EmbedWs.Tests.TestSupport.DecoderFeed;

namespace EmbedWs.Tests.Protocol;

// Close frames (RFC 6455 §5.5.1 and §7.4).
internal partial class FrameDecoderTests
{
    [Test]
    public void Decode_EmptyClose_ReturnsCloseWith1005()
    {
        using var decoder = new FrameDecoder(DefaultMax);

        var result = DecodeOnce(decoder, ClientFrame.Close());

        Assert.That(result.Status, Is.EqualTo(DecodeStatus.Close));
        Assert.That(result.Opcode, Is.EqualTo(WsOpcode.Close));
        Assert.That((int)result.CloseCode, Is.EqualTo(1005));
        Assert.That(result.Payload, Is.Empty);
    }

    [Test]
    public void Decode_CloseWithOneBytePayload_ReturnsErrorWith1002()
    {
        AssertError(ClientFrame.CloseRaw(new byte[] { 0x03 }), FrameError.InvalidClosePayload, 1002);
    }

    [TestCase(1000)]
    [TestCase(1001)]
    [TestCase(1002)]
    [TestCase(1003)]
    [TestCase(1007)]
    [TestCase(1008)]
    [TestCase(1009)]
    [TestCase(1010)]
    [TestCase(1011)]
    [TestCase(1012)]
    [TestCase(1013)]
    [TestCase(1014)]
    [TestCase(3000)]
    [TestCase(3999)]
    [TestCase(4000)]
    [TestCase(4999)]
    public void Decode_CloseWithValidCode_ReturnsCloseWithCode(int code)
    {
        using var decoder = new FrameDecoder(DefaultMax);

        var result = DecodeOnce(decoder, ClientFrame.Close((ushort)code));

        Assert.That(result.Status, Is.EqualTo(DecodeStatus.Close));
        Assert.That((int)result.CloseCode, Is.EqualTo(code));
        Assert.That(result.Payload, Is.Empty);
        Assert.That(WsCloseCodes.IsValidOnWire(code), Is.True);
    }

    [TestCase(0)]
    [TestCase(999)]
    [TestCase(1004)]
    [TestCase(1005)]
    [TestCase(1006)]
    [TestCase(1015)]
    [TestCase(1016)]
    [TestCase(2000)]
    [TestCase(2999)]
    [TestCase(5000)]
    [TestCase(65535)]
    public void Decode_CloseWithInvalidCode_ReturnsInvalidCloseCodeWith1002(int code)
    {
        AssertError(ClientFrame.Close((ushort)code), FrameError.InvalidCloseCode, 1002);
        Assert.That(WsCloseCodes.IsValidOnWire(code), Is.False);
    }

    [TestCase("bye")]
    [TestCase("κόσμε 😀")]
    public void Decode_CloseWithReason_PayloadIsReasonAfterCode(string reason)
    {
        using var decoder = new FrameDecoder(DefaultMax);

        var result = DecodeOnce(decoder, ClientFrame.Close(1001, reason));

        Assert.That(result.Status, Is.EqualTo(DecodeStatus.Close));
        Assert.That((int)result.CloseCode, Is.EqualTo(1001));
        Assert.That(result.Text, Is.EqualTo(reason));
    }

    [Test]
    public void Decode_CloseWith123ByteReason_Accepted()
    {
        using var decoder = new FrameDecoder(DefaultMax);
        string reason = new('r', 123);

        var result = DecodeOnce(decoder, ClientFrame.Close(1000, reason));

        Assert.That(result.Status, Is.EqualTo(DecodeStatus.Close));
        Assert.That(result.Text, Is.EqualTo(reason));
    }

    [TestCase("ff")]
    [TestCase("c080")]
    [TestCase("eda080")]
    [TestCase("6279e282")]
    public void Decode_CloseWithInvalidUtf8Reason_ReturnsErrorWith1007(string reasonHex)
    {
        byte[] payload = Convert.FromHexString("03e8" + reasonHex);

        AssertError(ClientFrame.CloseRaw(payload), FrameError.InvalidCloseReason, 1007);
    }

    [Test]
    public void Decode_CloseFedOneByteAtATime_ReturnsCodeAndReason()
    {
        using var decoder = new FrameDecoder(DefaultMax);

        var results = DecodeAll(decoder, ClientFrame.Close(1000, "normal"), chunkSize: 1);

        Assert.That(results.Single().Status, Is.EqualTo(DecodeStatus.Close));
        Assert.That((int)results.Single().CloseCode, Is.EqualTo(1000));
        Assert.That(results.Single().Text, Is.EqualTo("normal"));
    }

    [Test]
    public void Decode_CloseInsideFragmentedMessage_ReturnsClose()
    {
        using var decoder = new FrameDecoder(DefaultMax);
        byte[] stream = ClientFrame.Concat(ClientFrame.Text("half", fin: false), ClientFrame.Close(1001, "going"));

        var results = DecodeAll(decoder, stream);

        Assert.That(results.Single().Status, Is.EqualTo(DecodeStatus.Close));
        Assert.That((int)results.Single().CloseCode, Is.EqualTo(1001));
        Assert.That(Encoding.UTF8.GetString(results.Single().Payload), Is.EqualTo("going"));
    }
}
