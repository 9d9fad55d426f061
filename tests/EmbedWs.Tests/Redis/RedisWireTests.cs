using System.Text;
using EmbedWs.Redis;

namespace EmbedWs.Tests.Redis;

/// <summary>RedisWire: the header the nodes put before a frame, read back; what another version or a short message gives.</summary>
public class RedisWireTests
{
    private static readonly byte[] s_node = RedisWire.EncodeNodeId("n1");

    [Test]
    public void Frame_ForTheChannel_ReadsBackWithTheFrameUnchanged()
    {
        byte[] message = RedisWire.Frame(s_node, null, Convert.FromHexString("81026869"));

        Assert.That(Convert.ToHexString(message), Is.EqualTo("01010002" + "6E31" + "81026869"), "version 1, kind 1, flags 0, node 'n1', the frame");
        Assert.That(RedisWire.TryRead(message, out var read), Is.True);
        Assert.That(read.Kind, Is.EqualTo(RedisMessageKind.Frame));
        Assert.That(read.IsFrom(message, s_node), Is.True);
        Assert.That(read.IsFrom(message, RedisWire.EncodeNodeId("n2")), Is.False);
        Assert.That(Convert.ToHexString(message.AsSpan(read.BodyStart)), Is.EqualTo("81026869"));
    }

    [Test]
    public void Frame_ForOneConnection_CarriesItsId()
    {
        byte[] message = RedisWire.Frame(s_node, 0x0102030405060708, Convert.FromHexString("820100"), flags: 5);

        Assert.That(RedisWire.TryRead(message, out var read), Is.True);
        Assert.That(read.Kind, Is.EqualTo(RedisMessageKind.FrameToConnection));
        Assert.That(read.ConnectionId, Is.EqualTo(0x0102030405060708));
        Assert.That(read.Flags, Is.EqualTo(5), "the delivery class byte is carried, not interpreted");
        Assert.That(Convert.ToHexString(message.AsSpan(read.BodyStart)), Is.EqualTo("820100"));
    }

    [Test]
    public void Close_CarriesIdCodeAndReason()
    {
        byte[] message = RedisWire.Close(s_node, 42, 4001, "moved é");

        Assert.That(RedisWire.TryRead(message, out var read), Is.True);
        Assert.That((read.Kind, read.ConnectionId, read.Code), Is.EqualTo((RedisMessageKind.Close, 42L, (ushort)4001)));
        Assert.That(Encoding.UTF8.GetString(message.AsSpan(read.BodyStart)), Is.EqualTo("moved é"));
    }

    [TestCase("")]
    [TestCase("01010002")]                     // shorter than its node id
    [TestCase("02010002" + "6E31" + "8100")]   // another format version
    [TestCase("01040002" + "6E31" + "8100")]   // an unknown kind
    [TestCase("01010000" + "8100")]            // no node id
    [TestCase("01020002" + "6E31" + "0000")]   // a connection id cut short
    public void TryRead_NotAVersion1Message_IsFalse(string hex) =>
        Assert.That(RedisWire.TryRead(Convert.FromHexString(hex), out _), Is.False);

    [Test]
    public void EncodeNodeId_EmptyOrOver255Bytes_Throws()
    {
        Assert.That(() => RedisWire.EncodeNodeId(""), Throws.ArgumentException);
        Assert.That(() => RedisWire.EncodeNodeId(new string('x', 256)), Throws.ArgumentException);
    }
}
