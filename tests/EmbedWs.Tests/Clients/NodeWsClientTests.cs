using System.IO;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Clients;

/// <summary>
/// Node's <c>ws</c> package (a client no one here wrote) against the echo server, through
/// <c>Clients/node/ws-client.js</c>: text, empty and non-ASCII text, binary, 100 KB, ping/pong,
/// then a client close with 4001 "done".
/// </summary>
public class NodeWsClientTests
{
    private const string InstallHint =
        "node or tests/EmbedWs.Tests/Clients/node/node_modules missing: run 'npm ci' in tests/EmbedWs.Tests/Clients/node";

    private static readonly TimeSpan s_processTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Echo_NodeWsClient_GetsEveryMessageBackAndClosesWith4001()
    {
        string nodeDir = Path.Combine(ExternalTool.RepoRoot, "tests", "EmbedWs.Tests", "Clients", "node");
        string? node = ExternalTool.FindOnPath("node");
        if (node is null || !Directory.Exists(Path.Combine(nodeDir, "node_modules", "ws")))
        {
            ExternalTool.Missing(InstallHint);
        }

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
}
