using System.Text;
using EmbedWs.Redis;

namespace EmbedWs.Tests.Redis;

/// <summary>RedisWire: the header the nodes put before a frame (delivery class and key included), read back; what another version or a short message gives.</summary>
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
        byte[] message = RedisWire.Frame(s_node, 0x0102030405060708, Convert.FromHexString("820100"));

        Assert.That(RedisWire.TryRead(message, out var read), Is.True);
        Assert.That(read.Kind, Is.EqualTo(RedisMessageKind.FrameToConnection));
        Assert.That(read.ConnectionId, Is.EqualTo(0x0102030405060708));
        Assert.That(read.Delivery.IsReliable, Is.True);
        Assert.That(Convert.ToHexString(message.AsSpan(read.BodyStart)), Is.EqualTo("820100"));
    }

    [Test]
    public void Frame_Droppable_IsClass1InTheFlags_NothingElseAdded()
    {
        byte[] message = RedisWire.Frame(s_node, null, Convert.FromHexString("81026869"), WsDelivery.Droppable);

        Assert.That(Convert.ToHexString(message), Is.EqualTo("01010102" + "6E31" + "81026869"), "flags 1: droppable");
        Assert.That(RedisWire.TryRead(message, out var read), Is.True);
        Assert.That(read.Delivery.Kind, Is.EqualTo(WsDeliveryKind.Droppable));
        Assert.That(Convert.ToHexString(message.AsSpan(read.BodyStart)), Is.EqualTo("81026869"));
    }

    [Test]
    public void Frame_Latest_CarriesTheKeyLengthPrefixed_BeforeTheFrame()
    {
        byte[] message = RedisWire.Frame(s_node, null, Convert.FromHexString("81026869"), WsDelivery.Latest("p:1"));

        Assert.That(Convert.ToHexString(message), Is.EqualTo("01010202" + "6E31" + "0003" + "703A31" + "81026869"), "flags 2: latest; key length 3, big-endian; 'p:1'");
    }

    // Every class, to the channel and to one connection; keys: empty, ASCII, non-ASCII (2, 3 and
    // 4 bytes of UTF-8), and the longest a key may be, in 1-byte and in 3-byte chars.
    [TestCase(WsDeliveryKind.Reliable, null)]
    [TestCase(WsDeliveryKind.Droppable, null)]
    [TestCase(WsDeliveryKind.Latest, "")]
    [TestCase(WsDeliveryKind.Latest, "pos:42")]
    [TestCase(WsDeliveryKind.Latest, "joueur:é:東京:😀")]
    [TestCase(WsDeliveryKind.Latest, "max-ascii")]
    [TestCase(WsDeliveryKind.Latest, "max-3-byte")]
    public void Frame_EveryClassAndKey_RoundTrips(WsDeliveryKind kind, string? key)
    {
        key = key switch
        {
            "max-ascii" => new string('k', WsDelivery.MaxKeyLength),
            "max-3-byte" => new string('東', WsDelivery.MaxKeyLength),
            _ => key,
        };
        var delivery = kind switch
        {
            WsDeliveryKind.Droppable => WsDelivery.Droppable,
            WsDeliveryKind.Latest => WsDelivery.Latest(key!),
            _ => WsDelivery.Reliable,
        };
        byte[] frame = Convert.FromHexString("8203010203");

        foreach (long? connection in new long?[] { null, 7 })
        {
            byte[] message = RedisWire.Frame(s_node, connection, frame, delivery);

            Assert.That(RedisWire.TryRead(message, out var read), Is.True);
            Assert.That(read.Delivery.Kind, Is.EqualTo(kind));
            Assert.That(read.Delivery.Key, Is.EqualTo(key));
            Assert.That(read.ConnectionId, Is.EqualTo(connection ?? 0));
            Assert.That(message.AsSpan(read.BodyStart).ToArray(), Is.EqualTo(frame));
            Assert.That(read.IsFrom(message, s_node), Is.True);
        }
    }

    // Numeric keys (WsDelivery.Latest(long)): bit 2 of the flags and 8 bytes, never confused with a string key.
    [TestCase(0L)]
    [TestCase(42L)]
    [TestCase(-1L)]
    [TestCase(long.MinValue)]
    [TestCase(long.MaxValue)]
    public void Frame_NumericKey_RoundTrips(long key)
    {
        byte[] frame = Convert.FromHexString("8203010203");
        foreach (long? connection in new long?[] { null, 7 })
        {
            byte[] message = RedisWire.Frame(s_node, connection, frame, WsDelivery.Latest(key));

            Assert.That(message[2], Is.EqualTo(0x06), "latest, numeric key");
            Assert.That(RedisWire.TryRead(message, out var read), Is.True);
            Assert.That(read.Delivery.Kind, Is.EqualTo(WsDeliveryKind.Latest));
            Assert.That(read.Delivery.NumericKey, Is.EqualTo(key));
            Assert.That(read.Delivery.Key, Is.Null);
            Assert.That(read.ConnectionId, Is.EqualTo(connection ?? 0));
            Assert.That(message.AsSpan(read.BodyStart).ToArray(), Is.EqualTo(frame));
        }
    }

    [Test]
    public void Frame_NumericKeyCutShort_IsNotRead() =>
        Assert.That(RedisWire.TryRead(Convert.FromHexString("01010602" + "6E31" + "00000000000000"), out _), Is.False);

    [Test]
    public void Frame_LongestKeyIn3ByteChars_IsMaxKeyBytes()
    {
        byte[] message = RedisWire.Frame(s_node, null, Convert.FromHexString("8100"), WsDelivery.Latest(new string('東', WsDelivery.MaxKeyLength)));

        Assert.That(message.Length, Is.EqualTo(6 + 2 + RedisWire.MaxKeyBytes + 2));
    }

    [Test]
    public void Latest_KeyOverMaxLength_IsRefusedWhereTheSendIsMade_NotClipped() =>
        Assert.That(() => WsDelivery.Latest(new string('k', WsDelivery.MaxKeyLength + 1)), Throws.ArgumentException.With.Message.Contains("256"));

    [Test]
    public void Frame_FirstReleaseFlags0_IsReliable_Class3AndReservedBitsAreRead()
    {
        Assert.That(RedisWire.TryRead(Convert.FromHexString("01010002" + "6E31" + "8100"), out var old), Is.True);
        Assert.That(old.Delivery.IsReliable, Is.True, "a message of the first release");
        Assert.That(RedisWire.TryRead(Convert.FromHexString("01010302" + "6E31" + "8100"), out var three), Is.True);
        Assert.That(three.Delivery.IsReliable, Is.True, "class 3 (sent by no release) is reliable");
        Assert.That(RedisWire.TryRead(Convert.FromHexString("0101FD02" + "6E31" + "8100"), out var reserved), Is.True);
        Assert.That(reserved.Delivery.Kind, Is.EqualTo(WsDeliveryKind.Droppable), "bits 2-7 mean nothing to a droppable message");
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
    [TestCase("01010202" + "6E31" + "00")]     // latest: the key length cut short
    [TestCase("01010202" + "6E31" + "0005" + "6B6B")]   // latest: the key cut short
    [TestCase("01010202" + "6E31" + "0301")]   // latest: a key longer than MaxKeyBytes (769)
    [TestCase("01020002" + "6E31" + "0000")]   // a connection id cut short
    public void TryRead_NotAVersion1Message_IsFalse(string hex) =>
        Assert.That(RedisWire.TryRead(Convert.FromHexString(hex), out _), Is.False);

    [TestCase(RedisWire.MaxKeyBytes + 1)]   // more bytes than a key of MaxKeyLength chars can have
    [TestCase(WsDelivery.MaxKeyLength + 1)] // within MaxKeyBytes, but more chars than WsDelivery.Latest takes
    public void TryRead_KeyLongerThanANodeSends_IsFalse(int length)
    {
        byte[] key = new byte[length];
        Array.Fill(key, (byte)'k');
        byte[] message = [.. Convert.FromHexString("01010202" + "6E31"), (byte)(length >> 8), (byte)length, .. key, .. Convert.FromHexString("8100")];

        Assert.That(RedisWire.TryRead(message, out _), Is.False);
    }

    [Test]
    public void EncodeNodeId_EmptyOrOver255Bytes_Throws()
    {
        Assert.That(() => RedisWire.EncodeNodeId(""), Throws.ArgumentException);
        Assert.That(() => RedisWire.EncodeNodeId(new string('x', 256)), Throws.ArgumentException);
    }
}
