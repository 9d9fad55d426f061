using System.Collections.Generic;
using System.Text;
using EmbedWs.Protocol;
using EmbedWs.Transport;
using static EmbedWs.Fuzz.InvariantException;

namespace EmbedWs.Fuzz;

/// <summary>
/// The opening handshake without the socket: bytes to HandshakeParser, the request to
/// HandshakeValidator, then everything ServerHandshake computes from it (connection info with
/// query, cookies and subprotocols, the chosen subprotocol, the origin check) and the answer's
/// bytes. Only the documented results are allowed: a parse status, a HandshakeError, an answer.
/// </summary>
internal static class HandshakeTarget
{
    // Small, so that short inputs reach "too large" (the server's default is 8 KiB).
    private const int MaxHeadSize = 1024;

    private static readonly string[] s_supported = { "chat", "json.v1" };
    private static readonly string[] s_origins = { "http://example.com", "https://app.example.com/" };

    public static void Run(byte[] input)
    {
        // ServerHandshake decides once it holds the limit + 3 bytes; it never reads more.
        var buffer = input.AsSpan(0, Math.Min(input.Length, MaxHeadSize + 3));
        var status = HandshakeParser.TryParse(buffer, MaxHeadSize, out var request, out int headLength);
        int terminator = buffer.IndexOf("\r\n\r\n"u8);
        switch (status)
        {
            case HandshakeParseStatus.Incomplete:
                Check(request is null && headLength == 0, "Incomplete gives no request");
                Check(terminator < 0 && buffer.Length < MaxHeadSize, "Incomplete only without a blank line, under the limit");
                return;

            case HandshakeParseStatus.TooLarge:
                Check(request is null, "TooLarge gives no request");
                Check(terminator < 0 ? buffer.Length >= MaxHeadSize : terminator + 4 > MaxHeadSize, "TooLarge only past the limit");
                Answer(HandshakeError.HeadTooLarge);
                return;

            case HandshakeParseStatus.Malformed:
                Check(request is null, "Malformed gives no request");
                Check(
                    terminator >= 0 && terminator + 4 <= MaxHeadSize ? headLength == terminator + 4 : !CouldStartRequestLine(buffer),
                    "Malformed for a whole head, or (refused early) for bytes that cannot start a request line");
                Answer(HandshakeError.MalformedRequest);
                return;

            case HandshakeParseStatus.Complete:
                Check(request is not null, "Complete gives a request");
                Check(headLength == terminator + 4 && headLength <= MaxHeadSize, "the head ends at the first blank line");
                break;

            default:
                throw new InvariantException($"undocumented parse status {status}");
        }

        // The same head arriving one byte short is still incomplete (the read loop relies on it).
        var shorter = HandshakeParser.TryParse(buffer.Slice(0, headLength - 1), MaxHeadSize, out var none, out _);
        Check(shorter == HandshakeParseStatus.Incomplete && none is null, "one byte short of the blank line is Incomplete");

        CheckRequest(request!);
        Respond(request!);
    }

    private static void CheckRequest(HandshakeRequest request)
    {
        Check(request.Method.Length > 0 && IndexOfAny(request.Method, " \r\n:") < 0, "the method is a token");
        Check(request.Target.Length > 0 && IndexOfAny(request.Target, " \r\n\t") < 0, "the target has no white space");
        Check(request.HttpVersion is "HTTP/1.0" or "HTTP/1.1" || request.HttpVersion.StartsWith("HTTP/1.", StringComparison.Ordinal), "HTTP/1.x only");
        string rebuilt = request.Target.Contains('?') ? request.Path + "?" + request.QueryString : request.Path;
        Check(rebuilt == request.Target, "path and query split the target");
        foreach (var (name, value) in request.Headers)
        {
            Check(name.Length > 0 && IndexOfAny(name, " \t\r\n:") < 0, "a header name is a token");
            Check(IndexOfAny(value, "\r\n\0") < 0, "a header value has no CR, LF or NUL");
        }
    }

    private static void Respond(HandshakeRequest request)
    {
        var error = HandshakeValidator.Validate(request);
        Check(Enum.IsDefined(error) && error is not (HandshakeError.MalformedRequest or HandshakeError.HeadTooLarge), $"Validate gave {error}");
        Check(error.Status() is 101 or 400 or 405 or 426, "a validation result maps to 101, 400, 405 or 426");

        // What ServerHandshake reads from an accepted or a plain HTTP request.
        var info = new WsConnectionInfo(request, null, null, isSecure: false);
        foreach (var (name, value) in info.Query)
        {
            Check(name is not null && value is not null, "query pairs are not null");
        }

        foreach (var (name, value) in info.Cookies)
        {
            Check(name.Length > 0 && value is not null, "cookie names are not empty");
        }

        foreach (var offer in info.RequestedSubProtocols)
        {
            Check(offer.Length > 0 && offer == offer.Trim() && !offer.Contains(','), "subprotocol offers are trimmed tokens");
        }

        _ = UpgradeAdmission.IsOriginAllowed(info.Origin, s_origins);
        string? sub = UpgradeAdmission.ChooseSubProtocol(info.RequestedSubProtocols, s_supported);
        Check(sub is null || Array.IndexOf(s_supported, sub) >= 0, "the chosen subprotocol is a supported one");

        if (error == HandshakeError.None)
        {
            Check(HandshakeValidator.IsValidKey(request.Header("Sec-WebSocket-Key")), "an accepted request has a valid key");
            byte[] bytes = HandshakeResponse.SwitchingProtocols(request.Header("Sec-WebSocket-Key")!, sub);
            string head = CheckHead(bytes, 101);
            int at = head.IndexOf("Sec-WebSocket-Accept: ", StringComparison.Ordinal);
            Check(at > 0, "101 carries Sec-WebSocket-Accept");
            string accept = head.Substring(at + 22, head.IndexOf('\r', at) - at - 22);
            Check(accept.Length == 28 && Convert.FromBase64String(accept).Length == 20, "the accept value is base64 of a SHA-1");
            return;
        }

        Answer(error);
    }

    private static void Answer(HandshakeError error)
    {
        byte[] bytes = HandshakeResponse.Refusal(error);
        CheckHead(bytes, error.Status());
        Check(error.Message().Length > 0, "every refusal says why");
    }

    // One HTTP/1.1 response head with the expected status, and a body of its Content-Length.
    private static string CheckHead(byte[] bytes, int status)
    {
        string text = Encoding.ASCII.GetString(bytes);
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Check(end > 0, "the answer has a head");
        string head = text.Substring(0, end + 2);
        Check(head.StartsWith($"HTTP/1.1 {status} ", StringComparison.Ordinal), $"the answer's status is {status}");
        int bodyLength = bytes.Length - end - 4;
        Check(status == 101 ? bodyLength == 0 : head.Contains($"\r\nContent-Length: {bodyLength}\r\n", StringComparison.Ordinal), "the body matches Content-Length");
        return head;
    }

    private static int IndexOfAny(string s, string chars) => s.IndexOfAny(chars.ToCharArray());

    // RFC 9110 §5.6.2: a method is a token, so a head whose bytes before the first space are not
    // one can never become a request (the parser may refuse it before the blank line arrives).
    private static bool CouldStartRequestLine(ReadOnlySpan<byte> input)
    {
        int sp = input.IndexOf((byte)' ');
        var method = sp < 0 ? input : input.Slice(0, sp);
        foreach (byte b in method)
        {
            bool token = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || "!#$%&'*+-.^_`|~"u8.IndexOf(b) >= 0;
            if (!token)
            {
                return false;
            }
        }

        return !method.IsEmpty || input.IsEmpty;
    }
}
