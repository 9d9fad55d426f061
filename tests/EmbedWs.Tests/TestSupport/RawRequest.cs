using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace EmbedWs.Tests.TestSupport;

// An opening-handshake request (RFC 6455 §4.1) as text, valid unless a test changes it: a
// fresh random 16-byte key, every required header, in a stable order. Tests remove or replace
// single headers to build each refusal case.
internal sealed class RawRequest
{
    private readonly List<KeyValuePair<string, string>> _headers = new();

    public RawRequest(int port, string path = "/")
    {
        Path = path;
        Key = NewKey();
        Set("Host", $"127.0.0.1:{port}");
        Set("Upgrade", "websocket");
        Set("Connection", "Upgrade");
        Set("Sec-WebSocket-Key", Key);
        Set("Sec-WebSocket-Version", "13");
    }

    public string Method { get; set; } = "GET";

    public string Path { get; set; }

    // The key as sent; the 101 must carry its accept value.
    public string Key { get; private set; }

    // base64 of 16 random bytes (§4.1).
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    // §4.2.2 computed here, independently of the library: base64(SHA-1(key + GUID)).
    public static string ExpectedAccept(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));

    // Replaces every header of that name (compared ignoring case) with one line; appends when absent.
    public RawRequest Set(string name, string value)
    {
        int at = _headers.FindIndex(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
        Remove(name);
        var line = new KeyValuePair<string, string>(name, value);
        if (at < 0 || at > _headers.Count)
        {
            _headers.Add(line);
        }
        else
        {
            _headers.Insert(at, line);
        }

        if (string.Equals(name, "Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase))
        {
            Key = value;
        }

        return this;
    }

    public RawRequest Remove(string name)
    {
        _headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
        return this;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Method).Append(' ').Append(Path).Append(" HTTP/1.1\r\n");
        foreach (var h in _headers)
        {
            sb.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
        }

        return sb.Append("\r\n").ToString();
    }

    public byte[] ToBytes() => Encoding.ASCII.GetBytes(ToString());
}
