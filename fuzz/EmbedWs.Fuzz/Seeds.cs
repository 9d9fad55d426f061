using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Fuzz;

/// <summary>
/// The seed corpus: the vectors of the unit tests (HandshakeParserTests, HandshakeValidatorTests,
/// FrameDecoderTests*, Routing/*Tests), one file per input, in one folder per target.
/// Regenerate with <c>dotnet run --project fuzz/EmbedWs.Fuzz -- seeds fuzz/seeds</c>.
/// </summary>
internal static class Seeds
{
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

    // Byte 0 of a frames seed picks the read sizes, byte 1 the message limit (1 + 8 * byte 1).
    private const byte Whole = 0x00;
    private const byte ByteByByte = 0x01;
    private const byte Random7 = 0x46;
    private const byte Limit1001 = 125;
    private const byte Limit2041 = 255;

    public static void Write(string folder)
    {
        WriteAll(Path.Combine(folder, "handshake"), Handshakes().ToDictionary(s => s.Name, s => Encoding.Latin1.GetBytes(s.Text)));
        WriteAll(Path.Combine(folder, "frames"), Frames().ToDictionary(s => s.Name, s => s.Bytes));

        // The session target reads the same layout as frames: the same seeds.
        WriteAll(Path.Combine(folder, "session"), Frames().ToDictionary(s => s.Name, s => s.Bytes));
        WriteAll(Path.Combine(folder, "router"), Envelopes().ToDictionary(s => s.Name, s => Encoding.UTF8.GetBytes(s.Text)));
        WriteAll(Path.Combine(folder, "deflate"), DeflateFrames().ToDictionary(s => s.Name, s => s.Bytes));
    }

    // Byte 0: read sizes, byte 1: limit (1 + 64 * byte 1), byte 2: bit 0 client no context takeover;
    // then compressed frames (RSV1 set), as a client's compressor would write them.
    private static List<(string Name, byte[] Bytes)> DeflateFrames()
    {
        var seeds = new List<(string Name, byte[] Bytes)>();
        static byte[] Compress(byte[] message, bool fresh, ref System.IO.Compression.DeflateStream? deflate, MemoryStream output)
        {
            if (fresh)
            {
                deflate?.Dispose();
                deflate = null;
            }

            output.SetLength(0);
            deflate ??= new System.IO.Compression.DeflateStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true);
            deflate.Write(message);
            deflate.Flush();
            return output.ToArray()[..^4];
        }

        static byte[] Seed(byte reads, byte limit, byte flags, params byte[][] frames) =>
            new[] { new[] { reads, limit, flags } }.Concat(frames).SelectMany(f => f).ToArray();

        var output = new MemoryStream();
        System.IO.Compression.DeflateStream? d = null;
        byte[] hello = Encoding.UTF8.GetBytes("Hello, héllo, hello!");
        byte[] json = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"type\":\"state\",\"x\":1}", 40)));
        var first = ClientFrame.Build(ClientFrame.OpText, Compress(json, false, ref d, output), rsv: 0b100);
        var second = ClientFrame.Build(ClientFrame.OpText, Compress(json, false, ref d, output), rsv: 0b100);
        seeds.Add(("takeover-two-messages", Seed(Whole, 40, 0, first, second)));
        seeds.Add(("takeover-random7", Seed(Random7, 40, 0, first, ClientFrame.Text("plain"), second)));
        var alone = ClientFrame.Build(ClientFrame.OpBinary, Compress(hello, true, ref d, output), rsv: 0b100);
        seeds.Add(("no-takeover", Seed(ByteByByte, 10, 1, alone, alone)));
        var zeros = Compress(new byte[100_000], true, ref d, output);
        seeds.Add(("bomb", Seed(Random7, 20, 1, ClientFrame.Build(ClientFrame.OpBinary, zeros, rsv: 0b100))));
        var half = zeros.Length / 2;
        seeds.Add(("fragments-ping", Seed(Whole, 255, 1,
            ClientFrame.Build(ClientFrame.OpBinary, zeros.AsSpan(0, half), fin: false, rsv: 0b100),
            ClientFrame.Ping("p"u8.ToArray()),
            ClientFrame.Continuation(zeros.AsSpan(half)))));
        seeds.Add(("rfc7692-hello", Seed(Whole, 1, 1, ClientFrame.Build(ClientFrame.OpText, Convert.FromHexString("f248cdc9c90700"), rsv: 0b100))));
        seeds.Add(("rsv1-continuation", Seed(Whole, 1, 0,
            ClientFrame.Build(ClientFrame.OpText, Convert.FromHexString("f248"), fin: false, rsv: 0b100),
            ClientFrame.Build(ClientFrame.OpContinuation, Convert.FromHexString("cdc9c90700"), rsv: 0b100))));

        // Past findings: text whose invalid byte only the tail's inflation yields (fixed in FrameDecoder).
        seeds.Add(("finding-utf8-in-tail", Convert.FromHexString("012807c18137fa6400acbaaa41cb463c78")));
        seeds.Add(("finding-empty-then-stored", Convert.FromHexString("462800c180f2ff7f00c180f2ff7f5a5aff")));
        d?.Dispose();
        return seeds;
    }

    private static void WriteAll(string folder, Dictionary<string, byte[]> seeds)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, bytes) in seeds)
        {
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
        }

        Console.WriteLine($"{seeds.Count} seeds in {folder}");
    }

    private static IEnumerable<(string Name, string Text)> Handshakes()
    {
        static string With(string header, string? value)
        {
            var lines = RfcRequest.Split("\r\n").Where(l => !l.StartsWith(header + ":", StringComparison.Ordinal)).ToList();
            if (value is not null)
            {
                lines.Insert(1, header + ": " + value);
            }

            return string.Join("\r\n", lines);
        }

        yield return ("rfc-request", RfcRequest);
        yield return ("rfc-request-then-frame", RfcRequest + "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58");
        yield return ("request-line-only", "GET / HTTP/1.1\r\n\r\n");
        yield return ("http10", "GET / HTTP/1.0\r\n\r\n");
        yield return ("post", RfcRequest.Replace("GET ", "POST "));
        yield return ("plain-get", "GET /index.html?x=1 HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n");
        yield return ("query-cookies-origin",
            "GET /chat?room=1&name=a%20b+c&empty=&flag HTTP/1.1\r\nHost: h:8080\r\nUpgrade: WebSocket\r\n" +
            "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\nSec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Protocol: json.v1, chat\r\nCookie: session=abc; theme=\"dark\"; =x\r\nOrigin: https://app.example.com\r\n\r\n");
        yield return ("repeated-header", "GET / HTTP/1.1\r\nSec-WebSocket-Protocol: a\r\nX-Other: z\r\nsec-websocket-protocol: b, c\r\n\r\n");
        yield return ("ows", "GET / HTTP/1.1\r\nHost:   example.com \t \r\nX-Empty:\r\n\r\n");
        yield return ("obs-text", "GET / HTTP/1.1\r\nX-Name: caf\u00e9\r\n\r\n");
        yield return ("missing-host", With("Host", null));
        yield return ("no-upgrade", With("Upgrade", null));
        yield return ("bad-upgrade", With("Upgrade", "h2c"));
        yield return ("bad-connection", With("Connection", "keep-alive"));
        yield return ("key-17-bytes", With("Sec-WebSocket-Key", Convert.ToBase64String(new byte[17])));
        yield return ("key-not-base64", With("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ!!"));
        yield return ("no-version", With("Sec-WebSocket-Version", null));
        yield return ("version-8", With("Sec-WebSocket-Version", "13, 8"));
        yield return ("malformed-no-version", "GET /\r\n\r\n");
        yield return ("malformed-double-space", "GET  / HTTP/1.1\r\n\r\n");
        yield return ("malformed-http2", "GET / HTTP/2.0\r\n\r\n");
        yield return ("malformed-no-colon", "GET / HTTP/1.1\r\nHost localhost\r\n\r\n");
        yield return ("malformed-obs-fold", "GET / HTTP/1.1\r\nX-A: 1\r\n continued\r\n\r\n");
        yield return ("malformed-bare-lf", "GET / HTTP/1.1\r\nX-A: 1\nX-B: 2\r\n\r\n");
        yield return ("malformed-nul", "GET / HTTP/1.1\r\nX-A: 1\0\r\n\r\n");
        yield return ("incomplete", RfcRequest.Substring(0, RfcRequest.Length - 2));
        const string Start = "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: ";
        yield return ("head-at-limit", Start + new string('p', 1024 - Start.Length - 4) + "\r\n\r\n");
    }

    private static IEnumerable<(string Name, byte[] Bytes)> Frames()
    {
        static byte[] Seed(byte reads, byte limit, params byte[][] frames) => ClientFrame.Concat(new[] { new[] { reads, limit } }.Concat(frames).ToArray());
        static byte[] Bytes(int length, int seed)
        {
            var bytes = new byte[length];
            new Random(seed).NextBytes(bytes);
            return bytes;
        }

        yield return ("rfc-hello", Seed(Whole, Limit2041, Convert.FromHexString("818537fa213d7f9f4d5158")));
        foreach (int length in new[] { 1, 125, 126, 300 })
        {
            yield return ($"binary-{length}", Seed(Whole, Limit2041, ClientFrame.Binary(Bytes(length, length))));
        }

        yield return ("binary-300-bytewise", Seed(ByteByByte, Limit2041, ClientFrame.Binary(Bytes(300, 9))));
        yield return ("binary-64bit-length", Seed(Whole, Limit2041, ClientFrame.Build(ClientFrame.OpBinary, Bytes(20, 1), lengthForm: ClientFrame.LengthForm.Extended64)));
        yield return ("text-utf8-bytewise", Seed(ByteByByte, Limit2041, ClientFrame.Text("Hello, κόσμε 😀")));
        yield return ("fragments-ping-between", Seed(Random7, Limit2041,
            ClientFrame.Text("Hel", fin: false), ClientFrame.Continuation("lo, ", fin: false), ClientFrame.Ping(Encoding.ASCII.GetBytes("are you there")), ClientFrame.Continuation("world")));
        yield return ("mixed-stream", Seed(0x05, Limit2041,
            ClientFrame.Text("Grüße ", fin: false), ClientFrame.Pong(new byte[] { 7 }), ClientFrame.Continuation("κόσμε", fin: false),
            ClientFrame.Ping(Bytes(125, 1)), ClientFrame.Continuation("!"), ClientFrame.Binary(Bytes(200, 2)), ClientFrame.Close(1000, "done")));
        yield return ("empty-fragments", Seed(Whole, Limit2041, ClientFrame.Text("", fin: false), ClientFrame.Continuation("", fin: false), ClientFrame.Continuation("")));
        yield return ("two-messages", Seed(Whole, Limit2041, ClientFrame.Text("first"), ClientFrame.Binary(Bytes(300, 4))));
        yield return ("fragmented-then-whole", Seed(0x03, Limit2041, ClientFrame.Text("ab", fin: false), ClientFrame.Continuation("cd"), ClientFrame.Text("second"), ClientFrame.Text("x", fin: false)));
        yield return ("ping-125", Seed(Whole, Limit2041, ClientFrame.Ping(Bytes(125, 5))));
        // Limit1001 is 1001 bytes: the tests' 1000-byte limit cases, one byte on.
        yield return ("at-limit", Seed(0x8F, Limit1001, ClientFrame.Binary(new byte[1001]), ClientFrame.Binary(new byte[600], fin: false), ClientFrame.Continuation(new byte[401])));
        yield return ("over-limit-fragmented", Seed(Random7, Limit1001, ClientFrame.Binary(new byte[600], fin: false), ClientFrame.Continuation(new byte[402])));
        yield return ("over-limit-single", Seed(Whole, Limit1001, ClientFrame.Binary(new byte[1002])));
        yield return ("tiny-limit", Seed(ByteByByte, 0, ClientFrame.Text("x"), ClientFrame.Text("x", fin: false), ClientFrame.Continuation("y")));
        yield return ("close-empty", Seed(Whole, Limit2041, ClientFrame.Close()));
        yield return ("close-1000-bye", Seed(ByteByByte, Limit2041, ClientFrame.Close(1000, "bye")));
        yield return ("close-4999-utf8", Seed(Whole, Limit2041, ClientFrame.Close(4999, "κόσμε 😀")));
        yield return ("close-one-byte", Seed(Whole, Limit2041, ClientFrame.CloseRaw(new byte[] { 0x03 })));
        yield return ("close-1005", Seed(Whole, Limit2041, ClientFrame.Close(1005)));
        yield return ("close-bad-reason", Seed(Whole, Limit2041, ClientFrame.CloseRaw(Convert.FromHexString("03e86279e282"))));
        yield return ("close-in-fragmented", Seed(Random7, Limit2041, ClientFrame.Text("half", fin: false), ClientFrame.Close(1001, "going")));
        yield return ("unmasked", Seed(Whole, Limit2041, ClientFrame.Build(ClientFrame.OpText, "hi"u8, masked: false)));
        yield return ("reserved-bits", Seed(Whole, Limit2041, ClientFrame.Build(ClientFrame.OpText, "hi"u8, rsv: 0b100)));
        yield return ("reserved-opcode", Seed(Whole, Limit2041, ClientFrame.Build(0xB, "hi"u8)));
        yield return ("ping-126", Seed(Whole, Limit2041, ClientFrame.Build(ClientFrame.OpPing, new byte[126])));
        yield return ("fragmented-ping", Seed(Whole, Limit2041, ClientFrame.Build(ClientFrame.OpPing, "hi"u8, fin: false)));
        yield return ("orphan-continuation", Seed(Whole, Limit2041, ClientFrame.Text("done"), ClientFrame.Continuation("more")));
        yield return ("expected-continuation", Seed(Whole, Limit2041, ClientFrame.Text("part", fin: false), ClientFrame.Binary("new"u8)));
        yield return ("invalid-utf8-surrogate", Seed(Whole, Limit2041, ClientFrame.TextBytes(Convert.FromHexString("eda080"))));
        yield return ("invalid-utf8-split", Seed(ByteByByte, Limit2041, ClientFrame.TextBytes(Convert.FromHexString("48656c6c6fc2"), fin: false), ClientFrame.Continuation(Convert.FromHexString("41"))));
        yield return ("utf8-split-valid", Seed(Whole, Limit2041, ClientFrame.TextBytes(Convert.FromHexString("f09f"), fin: false), ClientFrame.Continuation(Convert.FromHexString("9880"))));
        yield return ("length-msb", Seed(Whole, Limit2041, ClientFrame.Header(ClientFrame.OpBinary, 1UL << 63)));
        yield return ("huge-continuation", Seed(Whole, Limit1001, ClientFrame.Binary(new byte[10], fin: false), ClientFrame.Header(ClientFrame.OpContinuation, 0x7fff_ffff_ffff_fffaUL), new byte[50]));
        yield return ("zero-mask", Seed(Random7, Limit2041, ClientFrame.Build(ClientFrame.OpText, "zero key"u8, maskKey: 0)));
    }

    internal static IEnumerable<(string Name, string Text)> Envelopes()
    {
        yield return ("add", "{\"type\":\"math.add\",\"id\":7,\"data\":{\"a\":1,\"b\":2}}");
        yield return ("add-string-id", "{\"type\":\"math.add\",\"id\":\"abc\",\"data\":{\"a\":1,\"b\":2}}");
        yield return ("add-no-id-no-data", "{\"type\":\"math.add\"}");
        yield return ("add-null-id", "{\"type\":\"math.add\",\"id\":null,\"data\":null}");
        yield return ("add-data-string", "{\"type\":\"math.add\",\"id\":4,\"data\":\"one plus two\"}");
        yield return ("add-float-id", "{\"type\":\"math.add\",\"id\":1.5e3,\"data\":{\"a\":2147483647,\"b\":1}}");
        yield return ("invalid-json", "{\"type\":\"math.add\",");
        yield return ("plain-text", "plain text");
        yield return ("array-root", "[1,2,3]");
        yield return ("missing-type", "{\"id\":1,\"data\":{}}");
        yield return ("numeric-type", "{\"type\":5,\"id\":1}");
        yield return ("object-id", "{\"type\":\"math.add\",\"id\":{\"n\":1},\"data\":{\"a\":1,\"b\":2}}");
        yield return ("unknown-type", "{\"type\":\"nobody.home\",\"id\":9,\"data\":{}}");
        yield return ("unknown-type-no-id", "{\"type\":\"nobody.home\",\"data\":{}}");
        yield return ("trailing-content", "{\"type\":\"math.add\",\"id\":1} {}");
        yield return ("sum", "{\"type\":\"math.sum\",\"id\":2,\"data\":[1,2,3]}");
        yield return ("half", "{\"type\":\"math.half\",\"id\":3,\"data\":1.5}");
        yield return ("length", "{\"type\":\"text.length\",\"id\":\"t\",\"data\":\"héllo \\u00e9\\n\"}");
        yield return ("echo-token", "{\"type\":\"echo.token\",\"id\":5,\"data\":{\"a\":[1,{\"b\":null}],\"c\":true,\"d\":-0.0}}");
        yield return ("echo-object", "{\"type\":\"echo.object\",\"id\":\"o\",\"data\":[1,\"x\",{\"y\":2}]}");
        yield return ("profile", "{\"type\":\"profile.echo\",\"id\":\"p\",\"data\":{\"name\":\"Ann\",\"age\":30,\"tags\":[\"a\"],\"scores\":{\"x\":1.5}," +
            "\"mood\":\"Busy\",\"seen\":\"2024-01-01T00:00:00Z\",\"key\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"balance\":12.34,\"friend\":{\"name\":\"Bob\",\"mood\":0}}}");
        yield return ("dict", "{\"type\":\"dict.count\",\"id\":8,\"data\":{\"a\":[1,2],\"b\":[]}}");
        yield return ("chat-send", "{\"type\":\"chat.send\",\"data\":{\"text\":\"hi\",\"room\":\"lobby\"}}");
        yield return ("chat-send-id", "{\"type\":\"chat.send\",\"id\":8,\"data\":{\"text\":\"x\",\"room\":\"r\"}}");
        yield return ("reply-error", "{\"type\":\"reply.error\",\"id\":10}");
        yield return ("handler-throws", "{\"type\":\"handler.throws\",\"id\":11,\"data\":null}");
        // Past findings of fuzz/run.sh router (each also a unit test).
        yield return ("fuzz-missing-value", "{\"type\":\"echo.token\",\"id\":0,\"data\":{\"\":,\"0\":0}}");
        yield return ("deep", "{\"type\":\"echo.token\",\"id\":1,\"data\":" + new string('[', 70) + new string(']', 70) + "}");
    }
}
