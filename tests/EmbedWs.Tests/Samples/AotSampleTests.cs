using System.Diagnostics;
using System.IO;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using EmbedWs.Tests.Clients;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Samples;

/// <summary>
/// samples/EmbedWs.Samples.Aot published with Native AOT (once per test run: publishing takes a
/// minute or two on 2 cores) and driven over sockets as a native process: echo on any path,
/// typed routes on /rpc, a group, the heartbeat closing a silent client, SIGTERM closing with 1001.
/// Needs clang and zlib's headers (the native toolchain); ignored without them, required in CI.
/// </summary>
[NonParallelizable]
public class AotSampleTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private static readonly Lazy<Task<string>> s_published = new(PublishAsync);

    private string _executable = null!;

    [OneTimeSetUp]
    public async Task PublishOnce()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            Assert.Ignore("The test drives the Linux native executable and stops it with SIGTERM.");
        }

        if (ExternalTool.FindOnPath("clang") is null || !File.Exists("/usr/include/zlib.h"))
        {
            ExternalTool.Missing("Native AOT publishing needs clang and zlib's headers: apt-get install -y clang zlib1g-dev");
        }

        _executable = await s_published.Value;
    }

    [OneTimeTearDown]
    public void RemovePublished()
    {
        if (_executable is not null && Directory.Exists(Path.GetDirectoryName(_executable)))
        {
            Directory.Delete(Path.GetDirectoryName(_executable)!, recursive: true);
        }
    }

    [Test]
    public async Task Published_EchoRoutesGroups_ThenSigtermClosesWith1001()
    {
        using var host = ChildProcess.Start(_executable, Path.GetDirectoryName(_executable)!, "--port", "0");
        int port = await ListeningPortAsync(host);

        using var echo = await JsonClient.ConnectAsync(port, "/any/path");
        await echo.SendTextAsync("{\"type\":\"math.add\",\"id\":1,\"data\":{\"a\":1,\"b\":2}}");
        Assert.That(await echo.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"math.add\",\"id\":1,\"data\":{\"a\":1,\"b\":2}}"), "echoed, not routed, off /rpc");
        await echo.SendBinaryAsync(new byte[] { 0, 1, 2, 255 });
        var (type, data) = await echo.ReceiveAsync();
        Assert.That((type, data), Is.EqualTo((WebSocketMessageType.Binary, new byte[] { 0, 1, 2, 255 })));

        using var ann = await JsonClient.ConnectAsync(port, "/rpc");
        using var bob = await JsonClient.ConnectAsync(port, "/rpc");
        await ann.SendTextAsync("{\"type\":\"math.add\",\"id\":1,\"data\":{\"a\":1,\"b\":2}}");
        Assert.That(await ann.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"math.add\",\"id\":1,\"data\":{\"sum\":3}}"));
        await ann.SendTextAsync("{\"type\":\"math.add\",\"id\":\"x\",\"data\":{\"a\":\"one\"}}");
        Assert.That(await ann.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"error\",\"id\":\"x\",\"error\":{\"code\":\"invalid_data\",\"message\":\"\\\"data.a\\\" must be a whole number in range.\"}}"));
        await ann.SendTextAsync("not json");
        Assert.That((string?)(await ann.ReceiveJsonAsync())["error"]!["code"], Is.EqualTo("invalid_json"));

        await ann.SendTextAsync("{\"type\":\"room.join\",\"id\":1,\"data\":{\"room\":\"r\"}}");
        Assert.That(await ann.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"room.join\",\"id\":1,\"data\":{\"room\":\"r\",\"members\":1}}"));
        await bob.SendTextAsync("{\"type\":\"room.join\",\"id\":2,\"data\":{\"room\":\"r\"}}");
        Assert.That(await bob.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"room.join\",\"id\":2,\"data\":{\"room\":\"r\",\"members\":2}}"));
        await bob.SendTextAsync("{\"type\":\"room.say\",\"data\":{\"room\":\"r\",\"text\":\"hé\"}}");
        Assert.That(await ann.ReceiveTextAsync(), Does.Match("^\\{\"type\":\"room.message\",\"data\":\\{\"from\":\\d+,\"text\":\"hé\"\\}\\}$"));
        Assert.That(await bob.ReceiveTextAsync(), Does.StartWith("{\"type\":\"room.message\""));

        Assert.That(SendSigterm(host.Id), Is.EqualTo(0), "kill(SIGTERM) failed");
        foreach (var client in new[] { echo, ann, bob })
        {
            Assert.That((await client.ReceiveCloseAsync()).Status, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        }

        Assert.That(await host.WaitForExitAsync(s_timeout), Is.EqualTo(0), host.Output);
        Assert.That(host.StandardOutput, Does.Contain("Stopped."));
    }

    [Test]
    public async Task Published_SilentClient_ClosedByTheHeartbeat()
    {
        using var host = ChildProcess.Start(_executable, Path.GetDirectoryName(_executable)!,
            "--port", "0", "--heartbeat-interval", "0.2", "--heartbeat-timeout", "0.3");
        int port = await ListeningPortAsync(host);

        // A raw client that never answers the server's pings.
        await using var silent = await RawClient.OpenAsync(port);
        var frame = await silent.ReadFrameAsync();
        Assert.That(frame.Opcode, Is.EqualTo(ClientFrame.OpPing), "the heartbeat pings a silent peer");
        while (frame.Opcode == ClientFrame.OpPing)
        {
            frame = await silent.ReadFrameAsync();
        }

        Assert.That(frame.Opcode, Is.EqualTo(ClientFrame.OpClose), "then closes it when no pong comes");
        SendSigterm(host.Id);
        Assert.That(await host.WaitForExitAsync(s_timeout), Is.EqualTo(0), host.Output);
    }

    [Test]
    public async Task Published_BadArgument_ExitsWith2AndSaysWhy()
    {
        using var host = ChildProcess.Start(_executable, Path.GetDirectoryName(_executable)!, "--port", "x");

        Assert.That(await host.WaitForExitAsync(s_timeout), Is.EqualTo(2));
        Assert.That(host.StandardError, Does.Contain("--port"));
    }

    private static async Task<string> PublishAsync()
    {
        string output = Path.Combine(Path.GetTempPath(), "embedws-aot-" + Environment.ProcessId);
        string project = Path.Combine(ExternalTool.RepoRoot, "samples", "EmbedWs.Samples.Aot");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? ExternalTool.FindOnPath("dotnet") ?? "dotnet";
        var clock = Stopwatch.StartNew();
        using var publish = ChildProcess.Start(dotnet, project, "publish", "-c", "Release", "-o", output, "-nologo");
        int exit = await publish.WaitForExitAsync(TimeSpan.FromMinutes(15));
        Assert.That(exit, Is.EqualTo(0), publish.Output);
        Assert.That(publish.StandardOutput, Does.Not.Contain("warning IL"), "the publish has no trim or AOT warning");
        TestContext.Progress.WriteLine($"Published the AOT sample in {clock.Elapsed.TotalSeconds:F0} s to {output}");
        return Path.Combine(output, "EmbedWs.Samples.Aot");
    }

    /// <summary>Waits for the host's listening line; returns the port it names.</summary>
    private static Task<int> ListeningPortAsync(ChildProcess host) =>
        host.WaitForPortAsync(@"EmbedWs AOT host listening on ws://127\.0\.0\.1:(\d+)/", s_timeout);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static int SendSigterm(int pid) => Kill(pid, 15);
}
