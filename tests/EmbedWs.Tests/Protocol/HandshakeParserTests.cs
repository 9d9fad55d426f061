using System.Text;
using EmbedWs.Protocol;

namespace EmbedWs.Tests.Protocol;

[TestFixture]
internal class HandshakeParserTests
{
    private const int Limit = 8192;

    private const string RfcRequest =
        "GET /chat HTTP/1.1\r\n" +
        "Host: server.example.com\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Origin: http://example.com\r\n" +
        "Sec-WebSocket-Protocol: chat, superchat\r\n" +
        "Sec-WebSocket-Version: 13\r\n" +
        "\r\n";

    [Test]
    public void TryParse_RfcRequest_IsCompleteWithAllParts()
    {
        var status = Parse(RfcRequest, out var request, out int headLength);

        Assert.That(status, Is.EqualTo(HandshakeParseStatus.Complete));
        Assert.That(headLength, Is.EqualTo(RfcRequest.Length));
        Assert.That(request!.Method, Is.EqualTo("GET"));
        Assert.That(request.Target, Is.EqualTo("/chat"));
        Assert.That(request.HttpVersion, Is.EqualTo("HTTP/1.1"));
        Assert.That(request.Headers, Has.Count.EqualTo(7));
        Assert.That(request.Header("Host"), Is.EqualTo("server.example.com"));
        Assert.That(request.Header("Sec-WebSocket-Key"), Is.EqualTo("dGhlIHNhbXBsZSBub25jZQ=="));
        Assert.That(request.Header("Sec-WebSocket-Protocol"), Is.EqualTo("chat, superchat"));
        Assert.That(request.Header("X-Absent"), Is.Null);
    }

    [Test]
    public void TryParse_RequestLineOnly_IsCompleteWithNoHeaders()
    {
        var status = Parse("GET / HTTP/1.1\r\n\r\n", out var request, out int headLength);

        Assert.That(status, Is.EqualTo(HandshakeParseStatus.Complete));
        Assert.That(headLength, Is.EqualTo(18));
        Assert.That(request!.Headers, Is.Empty);
    }

    [Test]
    public void TryParse_EveryPrefixWithoutBlankLine_IsIncomplete()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(RfcRequest);
        for (int n = 0; n < bytes.Length; n++)
        {
            var status = HandshakeParser.TryParse(bytes.AsSpan(0, n), Limit, out var request, out int headLength);

            Assert.That(status, Is.EqualTo(HandshakeParseStatus.Incomplete), $"prefix of {n} bytes");
            Assert.That(request, Is.Null);
            Assert.That(headLength, Is.Zero);
        }
    }

    [Test]
    public void TryParse_BytesAfterHead_AreNotConsumed()
    {
        byte[] frame = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58 };
        byte[] bytes = Encoding.ASCII.GetBytes(RfcRequest);
        byte[] input = new byte[bytes.Length + frame.Length];
        bytes.CopyTo(input, 0);
        frame.CopyTo(input, bytes.Length);

        var status = HandshakeParser.TryParse(input, Limit, out _, out int headLength);

        Assert.That(status, Is.EqualTo(HandshakeParseStatus.Complete));
        Assert.That(headLength, Is.EqualTo(bytes.Length));
        Assert.That(input.AsSpan(headLength).ToArray(), Is.EqualTo(frame));
    }

    [Test]
    public void TryParse_HeadExactlyAtLimit_IsComplete()
    {
        string head = HeadOfLength(300);

        var status = Parse(head, out var request, out int headLength, maxHeadSize: 300);

        Assert.That(status, Is.EqualTo(HandshakeParseStatus.Complete));
        Assert.That(headLength, Is.EqualTo(300));
        Assert.That(request, Is.Not.Null);
    }

    [Test]
    public void TryParse_HeadExactlyAtLimitArrivingByteByByte_IsIncompleteUntilLastByte()
    {
        byte[] head = Encoding.ASCII.GetBytes(HeadOfLength(300));
        for (int n = 0; n < head.Length; n++)
        {
            Assert.That(HandshakeParser.TryParse(head.AsSpan(0, n), 300, out _, out _),
                Is.EqualTo(HandshakeParseStatus.Incomplete), $"prefix of {n} bytes");
        }

        Assert.That(HandshakeParser.TryParse(head, 300, out _, out _), Is.EqualTo(HandshakeParseStatus.Complete));
    }

    [Test]
    public void TryParse_CompleteHeadOneByteOverLimit_IsTooLarge()
    {
        var status = Parse(HeadOfLength(301), out var request, out _, maxHeadSize: 300);

        Assert.That(status, Is.EqualTo(HandshakeParseStatus.TooLarge));
        Assert.That(request, Is.Null);
    }

    [Test]
    public void TryParse_NoBlankLineAndBufferReachesLimit_IsTooLarge()
    {
        string partial = HeadOfLength(400).Substring(0, 300);

        Assert.That(Parse(partial, out _, out _, maxHeadSize: 300), Is.EqualTo(HandshakeParseStatus.TooLarge));
        Assert.That(Parse(partial.Substring(0, 299), out _, out _, maxHeadSize: 300), Is.EqualTo(HandshakeParseStatus.Incomplete));
    }

    [Test]
    public void TryParse_CompleteHeadWithFramesButHeadOverLimit_IsTooLarge()
    {
        string head = HeadOfLength(301) + "trailing frame bytes";

        Assert.That(Parse(head, out _, out _, maxHeadSize: 300), Is.EqualTo(HandshakeParseStatus.TooLarge));
    }

    [TestCase("GET /\r\n\r\n", TestName = "TryParse_RequestLineWithoutVersion_IsMalformed")]
    [TestCase("GET\r\n\r\n", TestName = "TryParse_RequestLineMethodOnly_IsMalformed")]
    [TestCase("GET  / HTTP/1.1\r\n\r\n", TestName = "TryParse_RequestLineDoubleSpace_IsMalformed")]
    [TestCase(" GET / HTTP/1.1\r\n\r\n", TestName = "TryParse_RequestLineLeadingSpace_IsMalformed")]
    [TestCase("GET / HTTP/1.1 \r\n\r\n", TestName = "TryParse_RequestLineTrailingSpace_IsMalformed")]
    [TestCase("GET /a b HTTP/1.1\r\n\r\n", TestName = "TryParse_TargetWithSpace_IsMalformed")]
    [TestCase("G(T / HTTP/1.1\r\n\r\n", TestName = "TryParse_MethodNotAToken_IsMalformed")]
    [TestCase("GET /\x01 HTTP/1.1\r\n\r\n", TestName = "TryParse_TargetWithControlChar_IsMalformed")]
    [TestCase("GET / HTTP/2.0\r\n\r\n", TestName = "TryParse_Http2_IsMalformed")]
    [TestCase("GET / HTTP/2\r\n\r\n", TestName = "TryParse_Http2NoMinor_IsMalformed")]
    [TestCase("GET / http/1.1\r\n\r\n", TestName = "TryParse_LowercaseHttpName_IsMalformed")]
    [TestCase("GET / HTTP/1.x\r\n\r\n", TestName = "TryParse_NonDigitMinorVersion_IsMalformed")]
    [TestCase("GET / HTTP/1.11\r\n\r\n", TestName = "TryParse_TwoDigitMinorVersion_IsMalformed")]
    [TestCase("\r\n\r\n", TestName = "TryParse_EmptyHead_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nHost localhost\r\n\r\n", TestName = "TryParse_HeaderWithoutColon_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\n: value\r\n\r\n", TestName = "TryParse_HeaderWithEmptyName_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nHost : a\r\n\r\n", TestName = "TryParse_SpaceBeforeColon_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nHo st: a\r\n\r\n", TestName = "TryParse_SpaceInHeaderName_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nX-A: 1\r\n continued\r\n\r\n", TestName = "TryParse_ObsoleteFoldingWithSpace_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nX-A: 1\r\n\tmore: 2\r\n\r\n", TestName = "TryParse_ObsoleteFoldingWithTab_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nX-A: 1\nX-B: 2\r\n\r\n", TestName = "TryParse_BareLineFeedInHeaders_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nX-A: 1\0\r\n\r\n", TestName = "TryParse_NulInHeaderValue_IsMalformed")]
    public void TryParse_Malformed_IsMalformed(string head)
    {
        var status = Parse(head, out var request, out _);

        Assert.That(status, Is.EqualTo(HandshakeParseStatus.Malformed));
        Assert.That(request, Is.Null);
    }

    [Test]
    public void TryParse_RepeatedHeader_ValuesJoinedWithCommaSpaceInOrder()
    {
        Parse("GET / HTTP/1.1\r\nSec-WebSocket-Protocol: a\r\nX-Other: z\r\nsec-websocket-protocol: b, c\r\n\r\n", out var request, out _);

        Assert.That(request!.Header("Sec-WebSocket-Protocol"), Is.EqualTo("a, b, c"));
        Assert.That(request.Headers, Has.Count.EqualTo(2));
    }

    [TestCase("host")]
    [TestCase("HOST")]
    [TestCase("hOsT")]
    public void Header_AnyCase_FindsHeader(string name)
    {
        Parse("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", out var request, out _);

        Assert.That(request!.Header(name), Is.EqualTo("example.com"));
    }

    [TestCase("Host:example.com", "example.com")]
    [TestCase("Host:   example.com \t ", "example.com")]
    [TestCase("Host: a b", "a b")]
    [TestCase("X-Empty:", "")]
    [TestCase("X-Empty:   ", "")]
    public void TryParse_HeaderValue_OptionalWhitespaceTrimmed(string line, string expected)
    {
        Parse("GET / HTTP/1.1\r\n" + line + "\r\n\r\n", out var request, out _);

        string name = line.Substring(0, line.IndexOf(':'));
        Assert.That(request!.Header(name), Is.EqualTo(expected));
    }

    [Test]
    public void TryParse_ObsTextInValue_ReadAsLatin1()
    {
        byte[] head = Encoding.Latin1.GetBytes("GET / HTTP/1.1\r\nX-Name: caf\u00e9\r\n\r\n");

        HandshakeParser.TryParse(head, Limit, out var request, out _);

        Assert.That(request!.Header("X-Name"), Is.EqualTo("caf\u00e9"));
    }

    [TestCase("/chat", "/chat", "")]
    [TestCase("/", "/", "")]
    [TestCase("/chat?room=1&x=2", "/chat", "room=1&x=2")]
    [TestCase("/a?", "/a", "")]
    [TestCase("/a?b?c", "/a", "b?c")]
    [TestCase("/p%20q?k=%3F", "/p%20q", "k=%3F")]
    public void TryParse_Target_SplitIntoPathAndQuery(string target, string path, string query)
    {
        Parse("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n", out var request, out _);

        Assert.That(request!.Target, Is.EqualTo(target));
        Assert.That(request.Path, Is.EqualTo(path));
        Assert.That(request.QueryString, Is.EqualTo(query));
    }

    [TestCase("HTTP/1.0")]
    [TestCase("HTTP/1.1")]
    public void TryParse_Http1Version_IsCompleteAndKeepsVersion(string version)
    {
        var status = Parse("GET / " + version + "\r\n\r\n", out var request, out _);

        Assert.That(status, Is.EqualTo(HandshakeParseStatus.Complete));
        Assert.That(request!.HttpVersion, Is.EqualTo(version));
    }

    // Bytes that cannot start a request line are refused before the blank line, so a TLS
    // ClientHello or noise on a plain port gets 400 at once instead of waiting for the timeout.
    [TestCase("\u0016\u0003\u0001\u0000\u00c4\u0001\u0000\u0000\u00c0\u0003\u0003", TestName = "TryParse_TlsClientHelloStart_IsMalformedAtOnce")]
    [TestCase("\0", TestName = "TryParse_NulFirst_IsMalformedAtOnce")]
    [TestCase(" GET", TestName = "TryParse_LeadingSpace_IsMalformedAtOnce")]
    [TestCase("G(T", TestName = "TryParse_PartialMethodWithNonTokenByte_IsMalformedAtOnce")]
    [TestCase("GET\r\n", TestName = "TryParse_LineEndsInsideMethod_IsMalformedAtOnce")]
    public void TryParse_NoBlankLineButCannotBeARequestLine_IsMalformed(string prefix)
    {
        Assert.That(Parse(prefix, out var request, out _), Is.EqualTo(HandshakeParseStatus.Malformed));
        Assert.That(request, Is.Null);
    }

    [TestCase("")]
    [TestCase("G")]
    [TestCase("GET")]
    [TestCase("GET ")]
    [TestCase("GET /\0")]
    [TestCase("M-SEARCH * HTTP/1.1\r\n")]
    public void TryParse_PrefixThatMayStillBecomeARequest_IsIncomplete(string prefix)
    {
        // Only the method is judged early: the rest is checked when the head is complete.
        Assert.That(Parse(prefix, out _, out _), Is.EqualTo(HandshakeParseStatus.Incomplete));
    }

    [TestCase("16030100", true)]
    [TestCase("16", true)]
    [TestCase("474554", false)]
    [TestCase("", false)]
    public void LooksLikeTls_RecordTypeHandshake_IsTls(string hex, bool expected)
    {
        Assert.That(HandshakeParser.LooksLikeTls(Convert.FromHexString(hex)), Is.EqualTo(expected));
    }

    private static HandshakeParseStatus Parse(string head, out HandshakeRequest? request, out int headLength, int maxHeadSize = Limit) =>
        HandshakeParser.TryParse(Encoding.Latin1.GetBytes(head), maxHeadSize, out request, out headLength);

    // A valid request head of exactly totalLength bytes, padded with a filler header.
    private static string HeadOfLength(int totalLength)
    {
        const string Start = "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: ";
        int pad = totalLength - Start.Length - 4;
        Assert.That(pad, Is.GreaterThanOrEqualTo(1));
        string head = Start + new string('p', pad) + "\r\n\r\n";
        Assert.That(head, Has.Length.EqualTo(totalLength));
        return head;
    }
}
