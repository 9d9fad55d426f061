using System.Collections.Generic;
using EmbedWs.Protocol;

namespace EmbedWs.Tests.Protocol;

[TestFixture]
internal class HandshakeValidatorTests
{
    private const string RfcKey = "dGhlIHNhbXBsZSBub25jZQ==";

    [Test]
    public void Validate_RfcRequest_ReturnsNone()
    {
        Assert.That(HandshakeValidator.Validate(Request()), Is.EqualTo(HandshakeError.None));
    }

    [TestCase("POST")]
    [TestCase("PUT")]
    [TestCase("HEAD")]
    [TestCase("get")]
    public void Validate_MethodNotGet_ReturnsMethodNotAllowed405(string method)
    {
        var error = HandshakeValidator.Validate(Request(method: method));

        Assert.That(error, Is.EqualTo(HandshakeError.MethodNotAllowed));
        Assert.That(error.Status(), Is.EqualTo(405));
    }

    [Test]
    public void Validate_PostWithNoHeadersAtAll_MethodCheckWinsFirst()
    {
        var request = new HandshakeRequest("POST", "/", "HTTP/1.1", new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));

        Assert.That(HandshakeValidator.Validate(request), Is.EqualTo(HandshakeError.MethodNotAllowed));
    }

    [Test]
    public void Validate_Http10_ReturnsBadHttpVersion400()
    {
        var error = HandshakeValidator.Validate(Request(version: "HTTP/1.0"));

        Assert.That(error, Is.EqualTo(HandshakeError.BadHttpVersion));
        Assert.That(error.Status(), Is.EqualTo(400));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void Validate_MissingOrEmptyHost_ReturnsMissingHost400(string? host)
    {
        var error = HandshakeValidator.Validate(Request(replace: ("Host", host)));

        Assert.That(error, Is.EqualTo(HandshakeError.MissingHost));
        Assert.That(error.Status(), Is.EqualTo(400));
    }

    [Test]
    public void Validate_NoUpgradeHeader_ReturnsNotUpgrade426()
    {
        var error = HandshakeValidator.Validate(Request(replace: ("Upgrade", null)));

        Assert.That(error, Is.EqualTo(HandshakeError.NotUpgrade));
        Assert.That(error.Status(), Is.EqualTo(426));
    }

    [TestCase("h2c")]
    [TestCase("websocket2")]
    [TestCase("web socket")]
    [TestCase("")]
    public void Validate_UpgradeWithoutWebsocketToken_ReturnsBadUpgrade400(string upgrade)
    {
        var error = HandshakeValidator.Validate(Request(replace: ("Upgrade", upgrade)));

        Assert.That(error, Is.EqualTo(HandshakeError.BadUpgrade));
        Assert.That(error.Status(), Is.EqualTo(400));
    }

    [TestCase("WebSocket")]
    [TestCase("WEBSOCKET")]
    [TestCase("h2c, websocket")]
    public void Validate_UpgradeTokenAnyCaseOrInList_ReturnsNone(string upgrade)
    {
        Assert.That(HandshakeValidator.Validate(Request(replace: ("Upgrade", upgrade))), Is.EqualTo(HandshakeError.None));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("keep-alive")]
    [TestCase("close")]
    [TestCase("Upgraded")]
    public void Validate_ConnectionWithoutUpgradeToken_ReturnsBadConnection400(string? connection)
    {
        var error = HandshakeValidator.Validate(Request(replace: ("Connection", connection)));

        Assert.That(error, Is.EqualTo(HandshakeError.BadConnection));
        Assert.That(error.Status(), Is.EqualTo(400));
    }

    [TestCase("Upgrade")]
    [TestCase("upgrade")]
    [TestCase("UPGRADE")]
    [TestCase("keep-alive, Upgrade")]
    [TestCase("Keep-Alive,upgrade")]
    [TestCase("  Upgrade  ,  keep-alive ")]
    public void Validate_ConnectionListContainingUpgradeAnyCase_ReturnsNone(string connection)
    {
        Assert.That(HandshakeValidator.Validate(Request(replace: ("Connection", connection))), Is.EqualTo(HandshakeError.None));
    }

    [TestCase(0)]
    [TestCase(12)]
    [TestCase(15)]
    [TestCase(17)]
    [TestCase(18)]
    [TestCase(32)]
    public void Validate_KeyDecodingToWrongByteCount_ReturnsBadKey400(int byteCount)
    {
        string key = Convert.ToBase64String(new byte[byteCount]);

        var error = HandshakeValidator.Validate(Request(replace: ("Sec-WebSocket-Key", key)));

        Assert.That(error, Is.EqualTo(HandshakeError.BadKey));
        Assert.That(error.Status(), Is.EqualTo(400));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("dGhlIHNhbXBsZSBub25jZQ!!")]
    [TestCase("dGhlIHNhbXBsZSBub25jZQ=")]
    [TestCase("dGhlIHNhbXBs ZSBub25jZQ==")]
    public void Validate_KeyMissingOrNotBase64_ReturnsBadKey400(string? key)
    {
        var error = HandshakeValidator.Validate(Request(replace: ("Sec-WebSocket-Key", key)));

        Assert.That(error, Is.EqualTo(HandshakeError.BadKey));
        Assert.That(error.Status(), Is.EqualTo(400));
    }

    [Test]
    public void Validate_Key16RandomBytes_ReturnsNone()
    {
        var bytes = new byte[16];
        new Random(6455).NextBytes(bytes);

        var error = HandshakeValidator.Validate(Request(replace: ("Sec-WebSocket-Key", Convert.ToBase64String(bytes))));

        Assert.That(error, Is.EqualTo(HandshakeError.None));
    }

    [Test]
    public void Validate_NoVersionHeader_ReturnsMissingVersion400()
    {
        var error = HandshakeValidator.Validate(Request(replace: ("Sec-WebSocket-Version", null)));

        Assert.That(error, Is.EqualTo(HandshakeError.MissingVersion));
        Assert.That(error.Status(), Is.EqualTo(400));
    }

    [TestCase("8")]
    [TestCase("7")]
    [TestCase("14")]
    [TestCase("")]
    [TestCase("13, 8")]
    public void Validate_OtherVersion_ReturnsUnsupportedVersion426(string version)
    {
        var error = HandshakeValidator.Validate(Request(replace: ("Sec-WebSocket-Version", version)));

        Assert.That(error, Is.EqualTo(HandshakeError.UnsupportedVersion));
        Assert.That(error.Status(), Is.EqualTo(426));
    }

    [TestCase(HandshakeError.None, 101)]
    [TestCase(HandshakeError.MalformedRequest, 400)]
    [TestCase(HandshakeError.HeadTooLarge, 431)]
    [TestCase(HandshakeError.MethodNotAllowed, 405)]
    [TestCase(HandshakeError.BadHttpVersion, 400)]
    [TestCase(HandshakeError.MissingHost, 400)]
    [TestCase(HandshakeError.NotUpgrade, 426)]
    [TestCase(HandshakeError.BadUpgrade, 400)]
    [TestCase(HandshakeError.BadConnection, 400)]
    [TestCase(HandshakeError.BadKey, 400)]
    [TestCase(HandshakeError.MissingVersion, 400)]
    [TestCase(HandshakeError.UnsupportedVersion, 426)]
    public void Status_EachError_MapsToHttpStatus(HandshakeError error, int status)
    {
        Assert.That(error.Status(), Is.EqualTo(status));
    }

    [Test]
    public void Message_EveryRefusal_IsNonEmpty()
    {
        foreach (var error in Enum.GetValues<HandshakeError>())
        {
            if (error != HandshakeError.None)
            {
                Assert.That(error.Message(), Is.Not.Empty, error.ToString());
            }
        }
    }

    [TestCase("a, ,b,,  c ", new[] { "a", "b", "c" })]
    [TestCase("   ", new string[0])]
    [TestCase("chat", new[] { "chat" })]
    public void Tokens_CommaList_TrimmedWithoutEmpties(string value, string[] expected)
    {
        Assert.That(HandshakeValidator.Tokens(value), Is.EqualTo(expected));
    }

    // The RFC 6455 §1.3 request; replace sets one header, or removes it when its value is null.
    private static HandshakeRequest Request(string method = "GET", string version = "HTTP/1.1", (string Name, string? Value)? replace = null)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Host"] = "server.example.com",
            ["Upgrade"] = "websocket",
            ["Connection"] = "Upgrade",
            ["Sec-WebSocket-Key"] = RfcKey,
            ["Origin"] = "http://example.com",
            ["Sec-WebSocket-Version"] = "13",
        };
        if (replace is var (name, value))
        {
            if (value is null)
            {
                headers.Remove(name);
            }
            else
            {
                headers[name] = value;
            }
        }

        return new HandshakeRequest(method, "/chat", version, headers);
    }
}
