using System.Linq;
using System.Collections.Generic;
using System.Text;
using EmbedWs.Routing;

namespace EmbedWs.Tests.Routing;

/// <summary>
/// The envelope reader and reply writer of the default serializer, on their own: key order, ids
/// echoed as they came, escapes, whitespace, bad JSON after a good prefix, duplicate keys, depth.
/// </summary>
public class NewtonsoftWsSerializerTests
{
    private readonly NewtonsoftWsSerializer _serializer = new();

    [TestCase("{\"type\":\"math.add\",\"id\":7,\"data\":{\"a\":1,\"b\":2}}", TestName = "TryReadEnvelope_TypeIdData_Reads")]
    [TestCase("{\"data\":{\"a\":1,\"b\":2},\"id\":7,\"type\":\"math.add\"}", TestName = "TryReadEnvelope_DataBeforeType_Reads")]
    [TestCase("{\"id\":7,\"data\":{\"a\":1,\"b\":2},\"type\":\"math.add\"}", TestName = "TryReadEnvelope_IdDataType_Reads")]
    [TestCase(" \r\n\t{ \"type\" : \"math.add\" ,\n \"id\" : 7 , \"data\" : { \"a\" : 1 , \"b\" : 2 } }\n ", TestName = "TryReadEnvelope_Whitespace_Reads")]
    [TestCase("{\"type\":\"math\\u002eadd\",\"id\":7,\"data\":{\"a\":1,\"b\":2}}", TestName = "TryReadEnvelope_EscapedType_Unescapes")]
    [TestCase("{\"type\":\"math.add\",\"extra\":[1,{\"x\":[]}],\"id\":7,\"data\":{\"a\":1,\"b\":2,\"c\":{\"d\":[1,2]}}}", TestName = "TryReadEnvelope_UnknownKeysAndExtraData_Ignored")]
    public void TryReadEnvelope_ValidEnvelope_ReadsTypeIdAndBindsData(string text)
    {
        Assert.That(Read(text, out var envelope, out var code), Is.True, code);
        Assert.That(envelope.Type, Is.EqualTo("math.add"));
        var data = (AddRequest)_serializer.ReadData(envelope, typeof(AddRequest))!;
        Assert.That(data, Is.EqualTo(new AddRequest(1, 2)));
        Assert.That(_serializer.WriteMessage(envelope.Type, envelope.Id, new AddReply(3)), Is.EqualTo("{\"type\":\"math.add\",\"id\":7,\"data\":{\"sum\":3}}"));
    }

    // The id goes back exactly as it came, whatever JSON spelling it had.
    [TestCase("7")]
    [TestCase("\"7\"")]
    [TestCase("\"a\\\"b\\u00e9\"")]
    [TestCase("-12")]
    [TestCase("123456789012345678901234567890")]
    [TestCase("9223372036854775807")]
    [TestCase("1.5")]
    [TestCase("1e3")]
    [TestCase("2.50")]
    [TestCase("-0.0E-7")]
    public void WriteMessage_IdFromEnvelope_EchoedByteForByte(string id)
    {
        string echoed = id;
        Assert.That(Read("{\"type\":\"t\",\"id\":" + id + "}", out var envelope, out var code), Is.True, code);
        Assert.That(_serializer.WriteMessage(envelope.Type, envelope.Id, null), Is.EqualTo("{\"type\":\"t\",\"id\":" + echoed + ",\"data\":null}"));
        Assert.That(_serializer.WriteError(envelope.Id, "c", "m"), Is.EqualTo("{\"type\":\"error\",\"id\":" + echoed + ",\"error\":{\"code\":\"c\",\"message\":\"m\"}}"));
    }

    [Test]
    public void TryReadEnvelope_NullId_IsNoId()
    {
        Assert.That(Read("{\"type\":\"t\",\"id\":null}", out var envelope, out _), Is.True);
        Assert.That(envelope.Id, Is.Null);
    }

    [TestCase("{\"type\":\"math.add\",", TestName = "TryReadEnvelope_Truncated_InvalidJson")]
    [TestCase("{\"type\":\"math.add\",\"id\":1} x", TestName = "TryReadEnvelope_GarbageAfterObject_InvalidJson")]
    [TestCase("{\"type\":\"math.add\",\"id\":1}{}", TestName = "TryReadEnvelope_SecondObject_InvalidJson")]
    [TestCase("{\"type\":\"math.add\",\"id\":1,\"data\":{\"a\":1,}", TestName = "TryReadEnvelope_BadDataAfterGoodPrefix_InvalidJson")]
    [TestCase("{\"type\":\"math.add\",\"id\":1,\"data\":{\"a\":1},\"more\":[1,2}", TestName = "TryReadEnvelope_BadKeyAfterData_InvalidJson")]
    [TestCase("{\"data\":{\"a\":tru},\"type\":\"math.add\"}", TestName = "TryReadEnvelope_BadDataBeforeType_InvalidJson")]
    [TestCase("{\"type\":\"math.add\",\"id\":1} /* c */", TestName = "TryReadEnvelope_TrailingComment_InvalidJson")]
    [TestCase("/* c */ {\"type\":\"math.add\",\"id\":1}", TestName = "TryReadEnvelope_LeadingComment_InvalidJson")]
    [TestCase("[1,2", TestName = "TryReadEnvelope_TruncatedArray_InvalidJson")]
    [TestCase("", TestName = "TryReadEnvelope_Empty_InvalidJson")]
    [TestCase("{\"type\":\"a\",\"id\":1,\"id\":{\"x\":}}", TestName = "TryReadEnvelope_BadDuplicateId_InvalidJson")]
    public void TryReadEnvelope_NotJson_InvalidJson(string text)
    {
        Assert.That(Read(text, out _, out var code), Is.False);
        Assert.That(code, Is.EqualTo(WsRoutingErrors.InvalidJson));
    }

    [TestCase(70)]
    [TestCase(200)]
    [TestCase(5000)]
    public void TryReadEnvelope_NestedTooDeep_InvalidJson(int depth)
    {
        string deep = new string('[', depth) + new string(']', depth);
        Assert.That(Read("{\"type\":\"t\",\"id\":1,\"data\":" + deep + "}", out _, out var code), Is.False);
        Assert.That(code, Is.EqualTo(WsRoutingErrors.InvalidJson));
    }

    [Test]
    public void TryReadEnvelope_NestedWithinLimit_Reads()
    {
        string deep = new string('[', 60) + new string(']', 60);
        Assert.That(Read("{\"type\":\"t\",\"id\":1,\"data\":" + deep + "}", out _, out var code), Is.True, code);
    }

    [TestCase("[1,2,3]")]
    [TestCase("\"text\"")]
    [TestCase("42")]
    [TestCase("null")]
    [TestCase("{\"id\":1,\"data\":{}}")]
    [TestCase("{\"type\":5,\"id\":1}")]
    [TestCase("{\"type\":\"\",\"id\":1}")]
    [TestCase("{\"type\":null,\"id\":1}")]
    [TestCase("{\"type\":{\"a\":1},\"id\":1}")]
    [TestCase("{\"type\":\"t\",\"id\":{\"n\":1}}")]
    [TestCase("{\"type\":\"t\",\"id\":[1]}")]
    [TestCase("{\"type\":\"t\",\"id\":true}")]
    [TestCase("{\"Type\":\"t\",\"id\":1}")]
    public void TryReadEnvelope_NotAnEnvelope_InvalidEnvelope(string text)
    {
        Assert.That(Read(text, out _, out var code), Is.False);
        Assert.That(code, Is.EqualTo(WsRoutingErrors.InvalidEnvelope));
    }

    [Test]
    public void TryReadEnvelope_BadTypeWithId_KeepsIdForTheErrorReply()
    {
        Assert.That(Read("{\"id\":\"r1\",\"type\":7}", out var envelope, out _), Is.False);
        Assert.That(_serializer.WriteError(envelope.Id, "c", "m"), Does.StartWith("{\"type\":\"error\",\"id\":\"r1\","));
    }

    [Test]
    public void TryReadEnvelope_DuplicateKeys_LastOneWins()
    {
        string text = "{\"type\":\"a\",\"id\":1,\"data\":{\"a\":1,\"b\":1},\"type\":\"b\",\"id\":\"two\",\"data\":{\"a\":2,\"b\":3}}";
        Assert.That(Read(text, out var envelope, out var code), Is.True, code);
        Assert.That(envelope.Type, Is.EqualTo("b"));
        Assert.That(_serializer.ReadData(envelope, typeof(AddRequest)), Is.EqualTo(new AddRequest(2, 3)));
        Assert.That(_serializer.WriteMessage(envelope.Type, envelope.Id, null), Is.EqualTo("{\"type\":\"b\",\"id\":\"two\",\"data\":null}"));
    }

    [Test]
    public void TryReadEnvelope_DuplicateTypeLastInvalid_InvalidEnvelope()
    {
        Assert.That(Read("{\"type\":\"a\",\"type\":5}", out _, out var code), Is.False);
        Assert.That(code, Is.EqualTo(WsRoutingErrors.InvalidEnvelope));
    }

    [TestCase("{\"type\":\"t\"}")]
    [TestCase("{\"type\":\"t\",\"data\":null}")]
    public void ReadData_NoData_BindsEmptyObject(string text)
    {
        Assert.That(Read(text, out var envelope, out _), Is.True);
        Assert.That(_serializer.ReadData(envelope, typeof(AddRequest)), Is.EqualTo(new AddRequest(0, 0)));
        Assert.That(_serializer.ReadData(envelope, typeof(int)), Is.EqualTo(0));
        Assert.That(_serializer.ReadData(envelope, typeof(string)), Is.Null);
    }

    [TestCase("\"2020-01-02T03:04:05Z\"", typeof(string), "2020-01-02T03:04:05Z")]
    [TestCase("1.0", typeof(int), 1)]
    [TestCase("\"12\"", typeof(int), 12)]
    [TestCase("\"tab\\tend\"", typeof(string), "tab\tend")]
    public void ReadData_Scalars_BindAsBefore(string data, Type type, object expected)
    {
        Assert.That(Read("{\"type\":\"t\",\"data\":" + data + "}", out var envelope, out _), Is.True);
        Assert.That(_serializer.ReadData(envelope, type), Is.EqualTo(expected));
    }

    [Test]
    public void ReadData_DateStringIntoObject_StaysAString()
    {
        Assert.That(Read("{\"type\":\"t\",\"data\":{\"v\":\"2020-01-02T03:04:05Z\"}}", out var envelope, out _), Is.True);
        var bound = (Dictionary<string, object>)_serializer.ReadData(envelope, typeof(Dictionary<string, object>))!;
        Assert.That(bound["v"], Is.EqualTo("2020-01-02T03:04:05Z"));
    }

    [TestCase("{\"type\":\"t\",\"data\":\"one\"}")]
    [TestCase("{\"type\":\"t\",\"data\":{\"a\":\"x\"}}")]
    [TestCase("{\"type\":\"t\",\"data\":[1]}")]
    public void ReadData_DoesNotFit_Throws(string text)
    {
        Assert.That(Read(text, out var envelope, out _), Is.True);
        Assert.That(() => _serializer.ReadData(envelope, typeof(AddRequest)), Throws.Exception);
    }

    [Test]
    public void WriteMessage_EscapesAndNestedData_AsJson()
    {
        string text = _serializer.WriteMessage("t\"q", null, new { Name = "é\n<", List = new[] { 1, 2 } });
        Assert.That(text, Is.EqualTo("{\"type\":\"t\\\"q\",\"data\":{\"name\":\"é\\n<\",\"list\":[1,2]}}"));
    }

    [Test]
    public void WriteMessage_AfterAReplyThatThrowsHalfway_NextReplyIsWhole()
    {
        // Each thread keeps one JSON writer; a reply that fails halfway must not leave it half-written.
        Assert.That(() => _serializer.WriteMessage("t", null, new ThrowsHalfway()), Throws.Exception);

        Assert.That(_serializer.WriteMessage("t", new Newtonsoft.Json.Linq.JRaw("1"), new AddReply(3)), Is.EqualTo("{\"type\":\"t\",\"id\":1,\"data\":{\"sum\":3}}"));
        Assert.That(_serializer.WriteError(null, "c", "m"), Is.EqualTo("{\"type\":\"error\",\"error\":{\"code\":\"c\",\"message\":\"m\"}}"));
    }

    private sealed class ThrowsHalfway
    {
        public int First => 1;

        public int Second => throw new InvalidOperationException("no");
    }

    [Test]
    public void WriteMessage_LargeReply_Whole()
    {
        string big = new string('y', 70_000);
        Assert.That(_serializer.WriteMessage("t", null, big), Is.EqualTo("{\"type\":\"t\",\"data\":\"" + big + "\"}"));
        Assert.That(_serializer.WriteMessage("t", null, 1), Is.EqualTo("{\"type\":\"t\",\"data\":1}"));
    }

    [Test]
    public void TryReadEnvelope_LongMessageWithMultiByteText_ReadsAcrossBufferRefills()
    {
        string filler = string.Concat(Enumerable.Repeat("é😀x", 3000));
        Assert.That(Read("{\"pad\":\"" + filler + "\",\"type\":\"ré.😀\",\"id\":\"" + filler + "\",\"data\":{\"a\":1,\"b\":2}}", out var envelope, out var code), Is.True, code);
        Assert.That(envelope.Type, Is.EqualTo("ré.😀"));
        Assert.That(_serializer.WriteMessage("t", envelope.Id, null), Is.EqualTo("{\"type\":\"t\",\"id\":\"" + filler + "\",\"data\":null}"));
        Assert.That(_serializer.ReadData(envelope, typeof(AddRequest)), Is.EqualTo(new AddRequest(1, 2)));
    }

    [Test]
    public void TryReadEnvelope_ManyInARow_EachIndependent()
    {
        for (int i = 0; i < 20; i++)
        {
            Assert.That(Read(i % 2 == 0 ? "{\"type\":\"long.type.name." + i + "\"}" : "[", out var envelope, out var code), Is.EqualTo(i % 2 == 0));
            Assert.That(i % 2 == 0 ? envelope.Type : code, Is.EqualTo(i % 2 == 0 ? "long.type.name." + i : WsRoutingErrors.InvalidJson));
        }
    }

    private bool Read(string text, out WsEnvelope envelope, out string? code)
        => _serializer.TryReadEnvelope(Encoding.UTF8.GetBytes(text), out envelope, out code, out _);
}
