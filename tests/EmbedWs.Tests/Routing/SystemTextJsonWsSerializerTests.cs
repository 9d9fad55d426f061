using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using EmbedWs.Json;

namespace EmbedWs.Tests.Routing;

/// <summary>
/// The System.Text.Json serializer on its own: it refuses exactly what the default serializer
/// refuses, with the same codes, echoes ids byte for byte, writes the same bytes for the same
/// reply, and needs source-generated (or other) metadata to be given, never found by reflection.
/// </summary>
public class SystemTextJsonWsSerializerTests
{
    private readonly SystemTextJsonWsSerializer _serializer = new(RoutingJsonContext.Default);
    private readonly NewtonsoftWsSerializer _newtonsoft = new();

    [TestCase("{\"type\":\"math.add\",\"id\":7,\"data\":{\"a\":1,\"b\":2}}")]
    [TestCase(" {\"data\":{\"a\":1},\"type\":\"t\"} ")]
    [TestCase("{\"type\":\"t\",\"id\":null}")]
    [TestCase("{\"type\":\"t\",\"type\":\"u\"}")]
    [TestCase("{\"type\":\"math\\u002eadd\"}")]
    [TestCase("{\"type\":\"math.add\",")]
    [TestCase("{\"type\":\"t\"} x")]
    [TestCase("{\"type\":\"t\",\"data\":NaN}")]
    [TestCase("{\"type\":\"t\",\"data\":undefined}")]
    [TestCase("{\"type\":\"t\",\"data\":[1,]}")]
    [TestCase("{'type':'t'}")]
    [TestCase("{\"type\":\"t\"/*c*/}")]
    [TestCase("[1,2]")]
    [TestCase("\"text\"")]
    [TestCase("")]
    [TestCase("{\"id\":1}")]
    [TestCase("{\"type\":\"\",\"id\":\"x\"}")]
    [TestCase("{\"type\":5,\"id\":1}")]
    [TestCase("{\"type\":\"t\",\"id\":{\"n\":1}}")]
    [TestCase("{\"type\":\"t\",\"id\":[1]}")]
    [TestCase("{\"type\":\"t\",\"id\":true}")]
    [TestCase("{\"type\":\"t\",\"data\":\"\\ud800\"}")]
    public void TryReadEnvelope_SameVerdictCodeAndIdAsNewtonsoft(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        bool read = _serializer.TryReadEnvelope(utf8, out var envelope, out var code, out var message);
        bool expected = _newtonsoft.TryReadEnvelope(utf8, out var reference, out var referenceCode, out var referenceMessage);

        Assert.That(read, Is.EqualTo(expected));
        Assert.That(code, Is.EqualTo(referenceCode));
        Assert.That(message, Is.EqualTo(referenceMessage));
        Assert.That(envelope.Type, Is.EqualTo(reference.Type));
        Assert.That(_serializer.WriteError(envelope.Id, "c", "m"), Is.EqualTo(_newtonsoft.WriteError(reference.Id, "c", "m")));
    }

    [TestCase("7")]
    [TestCase("\"a\\\"b\\u00e9\"")]
    [TestCase("123456789012345678901234567890")]
    [TestCase("-0.0E-7")]
    public void WriteMessage_IdFromEnvelope_EchoedByteForByte(string id)
    {
        Assert.That(_serializer.TryReadEnvelope(Encoding.UTF8.GetBytes("{\"type\":\"t\",\"id\":" + id + "}"), out var envelope, out _, out _), Is.True);

        Assert.That(_serializer.WriteMessage(envelope.Type, envelope.Id, new AddReply(3)), Is.EqualTo("{\"type\":\"t\",\"id\":" + id + ",\"data\":{\"sum\":3}}"));
    }

    [TestCase("plain")]
    [TestCase("é ü ß € 中文")]
    [TestCase("quote \" backslash \\ newline \n tab \t <b>&amp;</b>")]
    public void WriteMessage_SameBytesAsNewtonsoft(string text)
    {
        var data = new ChatMessage("ann", text);

        Assert.That(_serializer.WriteMessage("chat.message", 1L, data), Is.EqualTo(_newtonsoft.WriteMessage("chat.message", 1L, data)));
        Assert.That(_serializer.WriteError("x", "c", text), Is.EqualTo(_newtonsoft.WriteError("x", "c", text)));
    }

    [Test]
    public void ReadData_NoData_BindsAnEmptyObject()
    {
        Assert.That(_serializer.TryReadEnvelope("{\"type\":\"t\"}"u8, out var envelope, out _, out _), Is.True);

        var chat = (ChatSend)_serializer.ReadData(envelope, typeof(ChatSend))!;

        Assert.That(chat.Text, Is.Null);
        Assert.That(_serializer.ReadData(envelope, typeof(string)), Is.Null);
    }

    [Test]
    public void ReadData_CaseInsensitiveNames_Bind()
    {
        Assert.That(_serializer.TryReadEnvelope("{\"type\":\"t\",\"data\":{\"A\":1,\"b\":2}}"u8, out var envelope, out _, out _), Is.True);

        Assert.That(_serializer.ReadData(envelope, typeof(AddRequest)), Is.EqualTo(new AddRequest(1, 2)));
    }

    [Test]
    public void ReadData_TypeTheContextDoesNotKnow_Throws()
    {
        Assert.That(_serializer.TryReadEnvelope("{\"type\":\"t\",\"data\":{}}"u8, out var envelope, out _, out _), Is.True);

        Assert.That(() => _serializer.ReadData(envelope, typeof(Dictionary<string, Guid>)), Throws.InstanceOf<NotSupportedException>());
    }

    [Test]
    public void Constructor_OptionsWithoutResolver_Refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new SystemTextJsonWsSerializer(new JsonSerializerOptions()));

        Assert.That(error!.Message, Does.Contain("TypeInfoResolver"));
    }

    [Test]
    public void NoSerializer_EachUse_SaysHowToSetOne()
    {
        var error = Assert.Throws<InvalidOperationException>(() => NoJsonSerializer.Instance.TryReadEnvelope("{}"u8, out _, out _, out _));

        Assert.That(error!.Message, Does.Contain("EmbedWs.Json.NewtonsoftIsDefault").And.Contain("SystemTextJsonWsSerializer"));
    }
}
