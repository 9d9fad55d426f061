using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using EmbedWs.Samples.ConsoleHost;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Clients;

/// <summary>
/// Node's <c>ws</c> package (a client no one here wrote) against the echo server, through
/// <c>Clients/node/ws-client.js</c>: text, empty and non-ASCII text, binary, 100 KB, ping/pong,
/// then a client close with 4001 "done". And the browser client embedws.js loaded as a CommonJS
/// module on top of <c>ws</c> (<c>Clients/node/embedws-client.js</c>), and its server timeout
/// (<c>Clients/node/embedws-timeout.js</c>).
/// </summary>
public class NodeWsClientTests
{
    private const string NpmHint = "run 'npm ci' in tests/EmbedWs.Tests/Clients/node";

    private static readonly TimeSpan s_processTimeout = TimeSpan.FromSeconds(30);

    internal static string NodeDir => Path.Combine(ExternalTool.RepoRoot, "tests", "EmbedWs.Tests", "Clients", "node");

    [Test]
    public async Task Echo_NodeWsClient_GetsEveryMessageBackAndClosesWith4001()
    {
        string node = FindNode();
        string nodeDir = NodeDir;

        await using var server = await TestServer.StartEchoAsync();
        using var client = ChildProcess.Start(node, nodeDir, "ws-client.js", server.Uri().ToString());

        int exitCode = await client.WaitForExitAsync(s_processTimeout);

        Assert.That(exitCode, Is.EqualTo(0), client.Output);
        Assert.That(client.StandardOutput, Does.Contain("\"ok\":true"), client.Output);
        var (_, close) = await server.NextCloseAsync();
        Assert.That(close.Cause, Is.EqualTo(WsCloseCause.ClientClosed));
        Assert.That(close.Code, Is.EqualTo(4001));
        Assert.That(close.Reason, Is.EqualTo("done"));
        Assert.That(server.Errors, Is.Empty);
    }

    [TestCase(false, true, "permessage-deflate; server_no_context_takeover")]
    [TestCase(true, true, "permessage-deflate")]
    [TestCase(true, false, "permessage-deflate; client_no_context_takeover")]
    public async Task Echo_NodeWsClientWithPerMessageDeflate_NegotiatesAndGetsEveryMessageBack(bool serverTakeover, bool clientTakeover, string answer)
    {
        string node = FindNode();
        await using var server = await TestServer.StartEchoAsync(o =>
        {
            o.Compression = true;
            o.CompressionThreshold = 0;
            o.CompressionServerContextTakeover = serverTakeover;
            o.CompressionClientContextTakeover = clientTakeover;
        });
        using var client = ChildProcess.Start(node, NodeDir, "ws-client.js", server.Uri().ToString(), "deflate");

        int exitCode = await client.WaitForExitAsync(s_processTimeout);

        Assert.That(exitCode, Is.EqualTo(0), client.Output);
        Assert.That(client.StandardOutput, Does.Contain("\"ok\":true").And.Contain($"\"extensions\":\"{answer}\""), client.Output);
        var (connection, close) = await server.NextCloseAsync();
        Assert.That(connection.Info.Extensions, Is.EqualTo(answer));
        Assert.That(close.Code, Is.EqualTo(4001));
        Assert.That(server.Errors, Is.Empty);
    }

    [Test]
    public async Task EmbedWsJs_AsNodeModuleOnWs_RequestsGetsErrorsAndPushes()
    {
        string node = FindNode();
        string script = Path.Combine(ExternalTool.RepoRoot, "samples", "EmbedWs.Samples.ConsoleHost", "wwwroot", "embedws.js");
        await using var server = ConsoleHostServer.Create(HostMode.Chat, new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) });
        await server.StartAsync();
        using var client = ChildProcess.Start(node, NodeDir, "embedws-client.js", $"ws://127.0.0.1:{server.Port}/ws", script);

        int exitCode = await client.WaitForExitAsync(s_processTimeout);

        Assert.That(exitCode, Is.EqualTo(0), client.Output);
        Assert.That(client.StandardOutput, Does.Contain("\"ok\":true").And.Contain("\"states\":[\"open\",\"closed\"]"), client.Output);
    }

    [Test]
    public async Task EmbedWsJs_ServerNeverAnswers_ClientPingsThenClosesAndReconnects()
    {
        string node = FindNode();
        await using var server = SilentServer.Start();

        using var client = StartTimeoutScenario(node, "silent", server.Port);
        int exitCode = await client.WaitForExitAsync(s_processTimeout);

        Assert.That(exitCode, Is.EqualTo(0), client.Output);
        Assert.That(client.StandardOutput, Does.Contain("\"ok\":true"), client.Output);
        Assert.That(server.Accepted, Is.GreaterThanOrEqualTo(3), "a, b, then a again after its timeout");

        // The timed-out client's first connection: its JSON ping, then its own close, 1000 "server timeout".
        var first = server.Frames.Where(f => f.Connection == 0).ToList();
        Assert.That(first.Any(f => f.Opcode == 1 && Regex.IsMatch(Encoding.UTF8.GetString(f.Payload), """^\{"type":"ping","id":\d+\}$""")), Is.True, "the client sent a JSON ping");
        var close = first.Last(f => f.Opcode == 8).Payload;
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(close), Is.EqualTo(1000));
        Assert.That(Encoding.UTF8.GetString(close.AsSpan(2)), Is.EqualTo("server timeout"));
    }

    [Test]
    public async Task EmbedWsJs_ServerAnswersThePing_ConnectionStays()
    {
        string node = FindNode();
        // Every EmbedWs server answers a JSON ping with a pong, whatever its heartbeat.
        await using var server = ConsoleHostServer.Create(HostMode.Chat, new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) });
        await server.StartAsync();

        using var client = StartTimeoutScenario(node, "answered", server.Port);
        int exitCode = await client.WaitForExitAsync(s_processTimeout);

        Assert.That(exitCode, Is.EqualTo(0), client.Output);
        Assert.That(client.StandardOutput, Does.Contain("\"ok\":true"), client.Output);
        Assert.That(server.GetSnapshot().ConnectionsOpened, Is.EqualTo(1), "one connection, never dropped");
    }

    [Test]
    public async Task EmbedWsJs_ServerPingsOften_ClientAnswersAndNeverPingsItself()
    {
        string node = FindNode();
        await using var server = ConsoleHostServer.Create(HostMode.Chat, new WsServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            Heartbeat = EmbedWs.HeartbeatPolicy.JsonPingPong(TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(2)),
        });
        await server.StartAsync();

        using var client = StartTimeoutScenario(node, "busy", server.Port);
        int exitCode = await client.WaitForExitAsync(s_processTimeout);

        Assert.That(exitCode, Is.EqualTo(0), client.Output);
        Assert.That(client.StandardOutput, Does.Contain("\"ok\":true"), client.Output);
    }

    private static ChildProcess StartTimeoutScenario(string node, string scenario, int port) =>
        ChildProcess.Start(node, NodeDir, "embedws-timeout.js", scenario, $"ws://127.0.0.1:{port}/ws", EmbedWsScript);

    private static string EmbedWsScript =>
        Path.Combine(ExternalTool.RepoRoot, "samples", "EmbedWs.Samples.ConsoleHost", "wwwroot", "embedws.js");

    internal static string FindNode()
    {
        string? node = ExternalTool.FindOnPath("node");
        if (node is null)
        {
            ExternalTool.Missing($"node not found on PATH: run 'apt-get update && apt-get install -y nodejs npm', then {NpmHint}");
        }

        if (!Directory.Exists(Path.Combine(NodeDir, "node_modules", "ws")))
        {
            ExternalTool.Missing($"tests/EmbedWs.Tests/Clients/node/node_modules/ws missing: {NpmHint}");
        }

        return node;
    }
}
