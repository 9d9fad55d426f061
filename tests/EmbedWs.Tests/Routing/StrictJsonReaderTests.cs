using System.Text;
using EmbedWs.Routing;

namespace EmbedWs.Tests.Routing;

/// <summary>
/// Envelopes holding values JSON does not have (Newtonsoft reads them: undefined, a missing
/// value, NaN, Infinity, constructors) are invalid_json: echoed back, they made replies that are
/// not JSON. Found by fuzz/run.sh router.
/// </summary>
public class StrictJsonReaderTests
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

    [TestCase("{\"type\":\"t\",\"id\":1,\"data\":[1,,2]}", TestName = "TryReadEnvelope_MissingArrayItem_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":1,\"data\":undefined}", TestName = "TryReadEnvelope_UndefinedData_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":1,\"data\":{\"when\":new Date(1)}}", TestName = "TryReadEnvelope_ConstructorInData_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":1,\"data\":NaN}", TestName = "TryReadEnvelope_NaNData_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":1,\"data\":[Infinity,-Infinity]}", TestName = "TryReadEnvelope_InfinityInData_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":NaN}", TestName = "TryReadEnvelope_NaNId_InvalidJson")]
    [TestCase("{\"type\":\"t\",\"id\":1,\"ignored\":undefined}", TestName = "TryReadEnvelope_UndefinedInIgnoredKey_InvalidJson")]
    [TestCase("new Date(1)", TestName = "TryReadEnvelope_ConstructorRoot_InvalidJson")]
    public void TryReadEnvelope_ValueJsonDoesNotHave_InvalidJson(string text)
    {
        Assert.That(Read(text, out var code, out var message), Is.False);
        Assert.That(code, Is.EqualTo(WsRoutingErrors.InvalidJson));
        Assert.That(message, Does.Contain("not JSON"));
    }

    [TestCase("{\"type\":\"t\",\"id\":1,\"data\":{\"x\":1.5e300,\"y\":-0.0,\"z\":[null,true,\"NaN\"]}}", TestName = "TryReadEnvelope_OrdinaryNumbersAndStrings_Read")]
    [TestCase("{\"type\":\"t\",\"id\":1,\"data\":\"undefined\"}", TestName = "TryReadEnvelope_UndefinedAsString_Read")]
    public void TryReadEnvelope_JsonValues_StillRead(string text)
    {
        Assert.That(Read(text, out var code, out _), Is.True, code);
    }

    private bool Read(string text, out string? code, out string? message) =>
        _serializer.TryReadEnvelope(Encoding.UTF8.GetBytes(text), out _, out code, out message);
}
