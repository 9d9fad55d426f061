using System.Linq;
using System.Net;
using System.Text;
using EmbedWs.Samples.ConsoleHost;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Samples;

/// <summary>
/// Path traversal against the console host's HTTP fallback, in process over loopback: every
/// attempt gets 404 (or 400 / 431 from the request parser) and never a byte of a file outside
/// the pages the host serves. The host matches paths exactly against its embedded pages and
/// never touches the file system, so there is nothing to traverse; these tests keep it so.
/// </summary>
public class ConsoleHostPathTests
{
    private const int HttpServedEvent = 106;
    private const int HandshakeRefusedEvent = 101;

    private WsServer _server = null!;
    private RecordingLoggerFactory _logs = null!;

    [SetUp]
    public async Task SetUp()
    {
        _logs = new RecordingLoggerFactory();
        _server = ConsoleHostServer.Create(HostMode.Chat, new WsServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            LoggerFactory = _logs,
        });
        await _server.StartAsync();
    }

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    [TestCase("/../Program.cs")]
    [TestCase("/../../../../../../../../etc/passwd")]
    [TestCase("/%2e%2e/Program.cs")]
    [TestCase("/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd")]
    [TestCase("/%252e%252e/Program.cs")]
    [TestCase("/..%2fProgram.cs")]
    [TestCase("/..%5cProgram.cs")]
    [TestCase("/..\\Program.cs")]
    [TestCase("/..\\..\\..\\etc\\passwd")]
    [TestCase("/wwwroot/../Program.cs")]
    [TestCase("/wwwroot/index.html")]
    [TestCase("/embedws.js/../../Program.cs")]
    [TestCase("/./index.html/../../EmbedWs.Samples.ConsoleHost.csproj")]
    [TestCase("/etc/passwd")]
    [TestCase("//etc/passwd")]
    [TestCase("/C:/Windows/win.ini")]
    [TestCase("C:\\Windows\\win.ini")]
    [TestCase("Program.cs")]
    [TestCase("http://127.0.0.1/../Program.cs")]
    [TestCase("/index.html%00.cs")]
    [TestCase("/%00/../Program.cs")]
    [TestCase("/%c0%ae%c0%ae/Program.cs")]
    [TestCase("/Program.cs")]
    [TestCase("/EmbedWs.Samples.ConsoleHost.dll")]
    public async Task Get_TraversalAttempt_Gets404AndNoFile(string path)
    {
        var (status, body) = await GetAsync(path);

        Assert.That(status, Is.EqualTo(404));
        AssertNoFileContents(body);
        var line = await _logs.WaitForAsync(HttpServedEvent);
        Assert.That(line.Message, Does.Contain(path).And.EndWith("404"));
    }

    [Test]
    public async Task Get_LongTraversalPath_Gets404()
    {
        string path = "/" + string.Concat(Enumerable.Repeat("../", 2000)) + "etc/passwd";

        var (status, body) = await GetAsync(path);

        Assert.That(status, Is.EqualTo(404));
        AssertNoFileContents(body);
    }

    [Test]
    public async Task Get_PathLongerThanTheHeadLimit_Gets431AndIsLogged()
    {
        string path = "/" + new string('a', 10_000);

        var (status, body) = await GetAsync(path);

        Assert.That(status, Is.EqualTo(431));
        AssertNoFileContents(body);
        await _logs.WaitForAsync(HandshakeRefusedEvent, e => e.Message.Contains("431"));
    }

    [TestCase("/index.html\0.cs")]
    [TestCase("/../Program.cs\0")]
    [TestCase("/a b/../Program.cs")]
    public async Task Get_RawNulOrSpaceInPath_Gets400AndIsLogged(string path)
    {
        var (status, body) = await GetAsync(path);

        Assert.That(status, Is.EqualTo(400));
        AssertNoFileContents(body);
        await _logs.WaitForAsync(HandshakeRefusedEvent, e => e.Message.Contains("400"));
    }

    [TestCase("/", "<html")]
    [TestCase("/embedws.js", "EmbedWs")]
    [TestCase("/embedws.js?file=../../Program.cs", "EmbedWs")]
    public async Task Get_ServedPage_Gets200WithThatPage(string path, string expected)
    {
        var (status, body) = await GetAsync(path);

        Assert.That(status, Is.EqualTo(200));
        Assert.That(body, Does.Contain(expected).IgnoreCase);
        AssertNoFileContents(body);
    }

    private async Task<(int Status, string Body)> GetAsync(string path)
    {
        await using var client = await RawClient.ConnectAsync(_server.Port);
        await client.SendAsync(Encoding.Latin1.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{_server.Port}\r\n\r\n"));
        var head = await client.ReadHeadAsync();
        return (head.Status, await client.ReadBodyAsync(head));
    }

    // Words of files outside the served pages: this repository's sources, project files and
    // the machine's account and configuration files.
    private static void AssertNoFileContents(string body)
    {
        Assert.That(body, Does.Not.Contain("namespace EmbedWs"));
        Assert.That(body, Does.Not.Contain("<Project"));
        Assert.That(body, Does.Not.Contain("root:"));
        Assert.That(body, Does.Not.Contain("[fonts]"));
        Assert.That(body, Does.Not.Contain("MZ\u0090"));
    }
}
