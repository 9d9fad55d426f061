using System.Linq;
using System.Text;
using EmbedWs.Protocol;

namespace EmbedWs.Tests.Protocol;

[TestFixture]
internal class HandshakeResponseTests
{
    private const string RfcKey = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string RfcAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    [Test]
    public void ComputeAccept_Rfc6455Section1_3Key_ReturnsRfcAccept()
    {
        Assert.That(HandshakeResponse.ComputeAccept(RfcKey), Is.EqualTo(RfcAccept));
    }

    [Test]
    public void ComputeAccept_KeyWithSurroundingWhitespace_IgnoresWhitespace()
    {
        Assert.That(HandshakeResponse.ComputeAccept("  " + RfcKey + "\t"), Is.EqualTo(RfcAccept));
    }

    [Test]
    public void SwitchingProtocols_WithoutSubprotocol_IsExactRfcResponse()
    {
        string text = Encoding.ASCII.GetString(HandshakeResponse.SwitchingProtocols(RfcKey, null));

        Assert.That(text, Is.EqualTo(
            "HTTP/1.1 101 Switching Protocols\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Accept: " + RfcAccept + "\r\n" +
            "\r\n"));
        Assert.That(text, Does.Not.Contain("Sec-WebSocket-Protocol"));
    }

    [Test]
    public void SwitchingProtocols_WithSubprotocol_ContainsAcceptAndChosenProtocol()
    {
        string text = Encoding.ASCII.GetString(HandshakeResponse.SwitchingProtocols(RfcKey, "chat.v2"));

        Assert.That(text, Does.StartWith("HTTP/1.1 101 Switching Protocols\r\n"));
        Assert.That(text, Does.Contain("\r\nSec-WebSocket-Accept: " + RfcAccept + "\r\n"));
        Assert.That(text, Does.Contain("\r\nSec-WebSocket-Protocol: chat.v2\r\n"));
        Assert.That(text, Does.EndWith("\r\n\r\n"));
        Assert.That(text.IndexOf("\r\n\r\n", StringComparison.Ordinal), Is.EqualTo(text.Length - 4), "one blank line, at the end");
    }

    [TestCase(HandshakeError.MethodNotAllowed, "HTTP/1.1 405 Method Not Allowed")]
    [TestCase(HandshakeError.UnsupportedVersion, "HTTP/1.1 426 Upgrade Required")]
    [TestCase(HandshakeError.NotUpgrade, "HTTP/1.1 426 Upgrade Required")]
    [TestCase(HandshakeError.HeadTooLarge, "HTTP/1.1 431 Request Header Fields Too Large")]
    [TestCase(HandshakeError.MalformedRequest, "HTTP/1.1 400 Bad Request")]
    [TestCase(HandshakeError.BadHttpVersion, "HTTP/1.1 400 Bad Request")]
    [TestCase(HandshakeError.MissingHost, "HTTP/1.1 400 Bad Request")]
    [TestCase(HandshakeError.BadUpgrade, "HTTP/1.1 400 Bad Request")]
    [TestCase(HandshakeError.BadConnection, "HTTP/1.1 400 Bad Request")]
    [TestCase(HandshakeError.BadKey, "HTTP/1.1 400 Bad Request")]
    [TestCase(HandshakeError.MissingVersion, "HTTP/1.1 400 Bad Request")]
    public void Refusal_Error_HasStatusLine(HandshakeError error, string statusLine)
    {
        var response = ParsedResponse.From(HandshakeResponse.Refusal(error));

        Assert.That(response.StatusLine, Is.EqualTo(statusLine));
    }

    [Test]
    public void Refusal_MethodNotAllowed_CarriesAllowGet()
    {
        var response = ParsedResponse.From(HandshakeResponse.Refusal(HandshakeError.MethodNotAllowed));

        Assert.That(response.Header("Allow"), Is.EqualTo("GET"));
    }

    [Test]
    public void Refusal_UnsupportedVersion_CarriesVersion13()
    {
        var response = ParsedResponse.From(HandshakeResponse.Refusal(HandshakeError.UnsupportedVersion));

        Assert.That(response.Header("Sec-WebSocket-Version"), Is.EqualTo("13"));
    }

    [Test]
    public void Refusal_NotUpgrade_CarriesUpgradeAndVersion()
    {
        var response = ParsedResponse.From(HandshakeResponse.Refusal(HandshakeError.NotUpgrade));

        Assert.That(response.Header("Upgrade"), Is.EqualTo("websocket"));
        Assert.That(response.Header("Sec-WebSocket-Version"), Is.EqualTo("13"));
    }

    [TestCase(HandshakeError.MethodNotAllowed)]
    [TestCase(HandshakeError.UnsupportedVersion)]
    [TestCase(HandshakeError.HeadTooLarge)]
    [TestCase(HandshakeError.BadKey)]
    public void Refusal_Error_ContentLengthMatchesBodyAndConnectionCloses(HandshakeError error)
    {
        var response = ParsedResponse.From(HandshakeResponse.Refusal(error));

        Assert.That(response.Body, Is.Not.Empty);
        Assert.That(response.Header("Content-Length"), Is.EqualTo(response.Body.Length.ToString()));
        Assert.That(response.Header("Connection"), Is.EqualTo("close"));
        Assert.That(Encoding.UTF8.GetString(response.Body), Is.EqualTo(error.Message()));
    }

    [Test]
    public void Http_NonAsciiBody_ContentLengthCountsBytesNotChars()
    {
        byte[] body = Encoding.UTF8.GetBytes("héllo €");

        var response = ParsedResponse.From(HandshakeResponse.Http(404, "text/plain; charset=utf-8", body));

        Assert.That(response.StatusLine, Is.EqualTo("HTTP/1.1 404 Not Found"));
        Assert.That(response.Header("Content-Length"), Is.EqualTo(body.Length.ToString()));
        Assert.That(response.Header("Content-Type"), Is.EqualTo("text/plain; charset=utf-8"));
        Assert.That(response.Body, Is.EqualTo(body));
    }

    [Test]
    public void Http_EmptyBody_ContentLengthZero()
    {
        var response = ParsedResponse.From(HandshakeResponse.Http(503, "text/plain", ReadOnlySpan<byte>.Empty));

        Assert.That(response.StatusLine, Is.EqualTo("HTTP/1.1 503 Service Unavailable"));
        Assert.That(response.Header("Content-Length"), Is.EqualTo("0"));
        Assert.That(response.Body, Is.Empty);
    }

    // A minimal reader for the responses above: status line, headers (one value each), body.
    private sealed class ParsedResponse
    {
        private readonly (string Name, string Value)[] _headers;

        private ParsedResponse(string statusLine, (string, string)[] headers, byte[] body)
        {
            StatusLine = statusLine;
            _headers = headers;
            Body = body;
        }

        public string StatusLine { get; }

        public byte[] Body { get; }

        public string? Header(string name)
        {
            var matches = _headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).ToArray();
            Assert.That(matches, Has.Length.LessThanOrEqualTo(1), $"header {name} repeated");
            return matches.Length == 0 ? null : matches[0].Value;
        }

        public static ParsedResponse From(byte[] bytes)
        {
            int end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
            Assert.That(end, Is.GreaterThan(0), "no end of head");
            string[] lines = Encoding.ASCII.GetString(bytes, 0, end).Split("\r\n");
            var headers = lines.Skip(1).Select(line =>
            {
                int colon = line.IndexOf(':');
                Assert.That(colon, Is.GreaterThan(0), $"bad header line '{line}'");
                return (line.Substring(0, colon), line.Substring(colon + 1).Trim());
            }).ToArray();
            return new ParsedResponse(lines[0], headers, bytes.AsSpan(end + 4).ToArray());
        }
    }
}
