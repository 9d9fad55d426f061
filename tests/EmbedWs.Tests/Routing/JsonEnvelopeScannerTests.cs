using System.Text;
using EmbedWs.Json;

namespace EmbedWs.Tests.Routing;

/// <summary>
/// The envelope scanner accepts JSON (RFC 8259) and nothing else, and finds the root object's
/// "type", "id" and "data". Cross-checked against System.Text.Json, whose default reader is strict.
/// </summary>
public class JsonEnvelopeScannerTests
{
    private readonly NewtonsoftWsSerializer _serializer = new();

    // {"type":"echo.token","id":0,"data":{"":,"0":0}}: the fuzzer's input (afl-tmin), a missing value.
    [TestCase("7b2274797065223a226563686f2e746f6b656e222c226964223a302c2264617461223a7b22223a2c2230223a307d7d", TestName = "TryReadEnvelope_FuzzMissingValueInData_InvalidJson")]
    public void TryReadEnvelope_FuzzFinding_InvalidJson(string hex)
    {
        bool read = _serializer.TryReadEnvelope(Convert.FromHexString(hex), out var envelope, out var code, out var message);

        Assert.That(read, Is.False, "read as an envelope whose data echoes as " + (read ? _serializer.WriteMessage(envelope.Type, envelope.Id, envelope.Data) : ""));
        Assert.That(code, Is.EqualTo(WsRoutingErrors.InvalidJson));
        Assert.That(message, Is.Not.Empty);
    }

    // Newtonsoft reads all of these; JSON has none of them. Echoed back, some made replies that were not JSON.
    [TestCase("{\"type\":\"t\",\"id\":1,\"data\":[1,,2]}", TestName = "TryReadEnvelope_MissingArrayItem_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":1,\"data\":undefined}", TestName = "TryReadEnvelope_UndefinedData_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":1,\"data\":{\"when\":new Date(1)}}", TestName = "TryReadEnvelope_ConstructorInData_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":1,\"data\":NaN}", TestName = "TryReadEnvelope_NaNData_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":1,\"data\":[Infinity,-Infinity]}", TestName = "TryReadEnvelope_InfinityInData_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":NaN}", TestName = "TryReadEnvelope_NaNId_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":1,\"ignored\":undefined}", TestName = "TryReadEnvelope_UndefinedInIgnoredKey_InvalidJson")]
    [TestCase("new Date(1)", TestName = "TryReadEnvelope_ConstructorRoot_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"data\":{\"a\":1,}}", TestName = "TryReadEnvelope_TrailingComma_InvalidJson")]
    [TestCase("{\"type\":'t'}", TestName = "TryReadEnvelope_SingleQuotes_InvalidJson")]
    [TestCase("{type:\"t\"}", TestName = "TryReadEnvelope_UnquotedKey_InvalidJson")]
    [TestCase("{\"type\":\"t\",/* c */\"id\":1}", TestName = "TryReadEnvelope_CommentInside_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":01}", TestName = "TryReadEnvelope_LeadingZero_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":0x1F}", TestName = "TryReadEnvelope_HexNumber_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":+1}", TestName = "TryReadEnvelope_PlusSign_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":1.}", TestName = "TryReadEnvelope_NoFractionDigits_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":.5}", TestName = "TryReadEnvelope_NoIntegerDigits_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":1e}", TestName = "TryReadEnvelope_NoExponentDigits_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":-}", TestName = "TryReadEnvelope_LoneMinus_InvalidJson")]
    [TestCase("{\"type\":\"t\\x\"}", TestName = "TryReadEnvelope_BadEscape_InvalidJson")]
    [TestCase("{\"type\":\"t\\u12G4\"}", TestName = "TryReadEnvelope_BadUnicodeEscape_InvalidJson")]
    [TestCase("{\"type\":\"a\tb\"}", TestName = "TryReadEnvelope_RawTabInString_InvalidJson")]
    [TestCase("{\"type\":\"t\"}\u00a0", TestName = "TryReadEnvelope_NonJsonWhitespace_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":nul}", TestName = "TryReadEnvelope_ShortLiteral_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":1 2}", TestName = "TryReadEnvelope_TwoValues_InvalidJson")]
    [TestCase("{\"type\" \"t\"}", TestName = "TryReadEnvelope_MissingColon_InvalidJson")]
    [TestCase("{\"type\":\"t\"]", TestName = "TryReadEnvelope_WrongCloser_InvalidJson")]
    [TestCase("{\"type\":\"t", TestName = "TryReadEnvelope_UnterminatedString_InvalidJson")]
    [TestCase("   ", TestName = "TryReadEnvelope_OnlySpace_InvalidJson")]
    public void TryReadEnvelope_NotJson_InvalidJsonNamingThePlace(string text)
    {
        Assert.That(Read(text, out _, out var code, out var message), Is.False);
        Assert.That(code, Is.EqualTo(WsRoutingErrors.InvalidJson));
        Assert.That(message, Does.StartWith("The message is not JSON").And.Contain("position"));
    }

    [TestCase("{\"type\":\"t\",\"id\":1,\"data\":{\"x\":1.5e300,\"y\":-0.0,\"z\":[null,true,false,\"NaN\"],\"e\":1E+2,\"f\":2e-3}}", TestName = "TryReadEnvelope_OrdinaryNumbersAndLiterals_Read")]
    [TestCase("{\"type\":\"t\",\"id\":1,\"data\":\"undefined\"}", TestName = "TryReadEnvelope_UndefinedAsString_Read")]
    [TestCase("{\"type\":\"t\",\"data\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00\"}", TestName = "TryReadEnvelope_EveryEscape_Read")]
    [TestCase("{\"type\":\"t\",\"data\":{\"\":{},\"a\":[],\"b\":[{}],\"c\":[[]]}}", TestName = "TryReadEnvelope_EmptyContainers_Read")]
    [TestCase("{}", TestName = "TryReadEnvelope_EmptyObject_ReadsAsNoType")]
    public void TryReadEnvelope_Json_IsNotInvalidJson(string text)
    {
        Read(text, out _, out var code, out var message);
        Assert.That(code, Is.Not.EqualTo(WsRoutingErrors.InvalidJson), message);
    }

    [Test]
    public void TryReadEnvelope_InvalidUtf8InStrings_ReadWithReplacementCharacters()
    {
        byte[] utf8 = Encoding.UTF8.GetBytes("{\"type\":\"t\u00e9X\",\"id\":\"iX\"}");
        utf8[Array.IndexOf(utf8, (byte)'X')] = 0xFF;
        utf8[Array.LastIndexOf(utf8, (byte)'X')] = 0xC3;

        Assert.That(_serializer.TryReadEnvelope(utf8, out var envelope, out var code, out _), Is.True, code);

        Assert.That(envelope.Type, Is.EqualTo("t\u00e9\uFFFD"));
        Assert.That(_serializer.WriteError(envelope.Id, "c", "m"), Does.StartWith("{\"type\":\"error\",\"id\":\"i\uFFFD\","));
    }

    [Test]
    public void TryReadEnvelope_NonAsciiByteOutsideStrings_InvalidJsonNamingTheByte()
    {
        byte[] utf8 = Encoding.UTF8.GetBytes("{\"type\":\"t\",\"id\":\u00e9}");

        Assert.That(_serializer.TryReadEnvelope(utf8, out _, out var code, out var message), Is.False);

        Assert.That(code, Is.EqualTo(WsRoutingErrors.InvalidJson));
        Assert.That(message, Is.EqualTo("The message is not JSON: unexpected byte 0xC3 at position 17."));
    }

    [Test]
    public void TryScan_NestedKeysNamedLikeOurs_OnlyRootKeysCount()
    {
        string text = "{\"data\":{\"type\":\"inner\",\"id\":9,\"data\":[1]},\"x\":{\"type\":\"no\"},\"type\":\"outer\",\"id\":\"r\"}";

        byte[] utf8 = Encoding.UTF8.GetBytes(text);

        Assert.That(JsonEnvelopeScanner.TryScan(utf8, 64, out var layout, out var error), Is.True, error);

        Assert.That(Encoding.UTF8.GetString(layout.Type.Of(utf8)), Is.EqualTo("\"outer\""));
        Assert.That(Encoding.UTF8.GetString(layout.Id.Of(utf8)), Is.EqualTo("\"r\""));
        Assert.That(Encoding.UTF8.GetString(layout.Data.Of(utf8)), Is.EqualTo("{\"type\":\"inner\",\"id\":9,\"data\":[1]}"));
        Assert.That(layout.Data.Kind, Is.EqualTo(JsonKind.Object));
    }

    [Test]
    public void TryScan_EscapedKey_MatchesItsValue()
    {
        string text = "{\"typ\\u0065\":\"t\",\"d\\u0061ta\":[1 , 2 ] }";

        byte[] utf8 = Encoding.UTF8.GetBytes(text);

        Assert.That(JsonEnvelopeScanner.TryScan(utf8, 64, out var layout, out var error), Is.True, error);

        Assert.That(layout.Type.Kind, Is.EqualTo(JsonKind.String));
        Assert.That(Encoding.UTF8.GetString(layout.Data.Of(utf8)), Is.EqualTo("[1 , 2 ]"));
    }

    [TestCase(64, true)]
    [TestCase(65, false)]
    public void TryScan_Depth_LimitedToMaxDepth(int levels, bool accepted)
    {
        byte[] text = Encoding.UTF8.GetBytes(new string('[', levels) + new string(']', levels));

        Assert.That(JsonEnvelopeScanner.TryScan(text, 64, out _, out var error), Is.EqualTo(accepted), error);
        Assert.That(JsonEnvelopeScanner.TryScan(text, 1000, out _, out _), Is.True, "a larger limit takes a rented stack");
    }

    /// <summary>
    /// Many small mutations of valid envelopes (a character dropped, doubled, replaced by JSON
    /// punctuation): the scanner and System.Text.Json must agree on every one.
    /// </summary>
    [Test]
    public void TryScan_MutatedEnvelopes_AgreesWithSystemTextJson()
    {
        string[] seeds =
        {
            "{\"type\":\"math.add\",\"id\":7,\"data\":{\"a\":1,\"b\":-2.5e3}}",
            "{\"type\":\"t\",\"id\":\"x\\\"y\",\"data\":[true,false,null,{\"k\":[0,1.0]}]}",
            " [ {\"a\" : \"\\u00e9\\n\" } , 12 , -0 ] ",
        };
        const string alphabet = "{}[]\",:.-+eE0123456789 \t\\ntfu/x'";
        var random = new Random(6455);
        int checkedCount = 0;
        foreach (string seed in seeds)
        {
            for (int i = 0; i < 4000; i++)
            {
                var sb = new StringBuilder(seed);
                for (int m = random.Next(1, 4); m > 0 && sb.Length > 0; m--)
                {
                    int at = random.Next(sb.Length);
                    switch (random.Next(3))
                    {
                        case 0: sb.Remove(at, 1); break;
                        case 1: sb.Insert(at, sb[at]); break;
                        default: sb[at] = alphabet[random.Next(alphabet.Length)]; break;
                    }
                }

                string text = sb.ToString();
                bool ours = JsonEnvelopeScanner.TryScan(Encoding.UTF8.GetBytes(text), 64, out _, out _);
                Assert.That(ours, Is.EqualTo(IsJson(text)), text);
                checkedCount++;
            }
        }

        Assert.That(checkedCount, Is.EqualTo(12000));
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(text, new System.Text.Json.JsonDocumentOptions { MaxDepth = 64 });
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private bool Read(string text, out WsEnvelope envelope, out string? code, out string? message) =>
        _serializer.TryReadEnvelope(Encoding.UTF8.GetBytes(text), out envelope, out code, out message);
}
