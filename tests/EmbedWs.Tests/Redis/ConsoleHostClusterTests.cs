using System.IO;
using EmbedWs.Samples.ConsoleHost;
using EmbedWs.Tests.Clients;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Redis;

/// <summary>
/// The console host's <c>--redis HOST:PORT</c>: two host processes on two ports and one
/// redis-server make one broadcast. Ignored without redis-server locally; required in CI.
/// </summary>
public class ConsoleHostClusterTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [TestCase(new[] { "--redis", "localhost:6379" }, "localhost:6379")]
    [TestCase(new[] { "--redis=10.0.0.5:7000" }, "10.0.0.5:7000")]
    [TestCase(new string[0], null)]
    public void Parse_Redis_IsHostAndPort(string[] args, string? redis)
    {
        var options = Options.Parse(args, out string? error);

        Assert.That(error, Is.Null);
        Assert.That(options!.Redis, Is.EqualTo(redis));
    }

    [TestCase("localhost")]
    [TestCase("localhost:0")]
    [TestCase("localhost:65536")]
    [TestCase(":6379")]
    [TestCase("a:1,b:2")]
    public void Parse_BadRedis_NamesTheFlag(string value)
    {
        Assert.That(Options.Parse(new[] { "--redis", value }, out string? error), Is.Null);
        Assert.That(error, Does.StartWith("--redis must be HOST:PORT"));
    }

    [Test]
    public async Task TwoHosts_OneRedis_MakeOneBroadcast()
    {
        using var redis = await RedisProcess.StartAsync();
        using var first = StartHost("--redis", redis.ConnectionString);
        using var second = StartHost("--redis", redis.ConnectionString);
        int firstPort = await ListeningPortAsync(first);
        int secondPort = await ListeningPortAsync(second);
        await Poll.UntilAsync(() => Joined(first) && Joined(second), "both hosts should log that they joined the cluster", s_timeout);
        await Poll.UntilAsync(() => first.StandardOutput.Contains("Scale-out: Redis at " + redis.ConnectionString + ", node "), "the host says it is a node", s_timeout);

        using var ann = await JsonClient.ConnectAsync(firstPort);
        using var bob = await JsonClient.ConnectAsync(secondPort);
        // OnConnect has run on both hosts (the connection is in each server's table): the host logs it.
        await Poll.UntilAsync(() => first.StandardOutput.Contains(" connected from ") && second.StandardOutput.Contains(" connected from "),
            "both hosts should log their client's connect", s_timeout);

        await ann.SendTextAsync("from the first host");
        Assert.That(await bob.ReceiveTextAsync(), Is.EqualTo("from the first host"), "across hosts, through Redis");
        Assert.That(await ann.ReceiveTextAsync(), Is.EqualTo("from the first host"), "and to the sender's own host");

        await bob.SendTextAsync("from the second host");
        Assert.That(await ann.ReceiveTextAsync(), Is.EqualTo("from the second host"));
        Assert.That(await bob.ReceiveTextAsync(), Is.EqualTo("from the second host"));
    }

    private static bool Joined(ChildProcess host) => host.StandardOutput.Contains("Redis backplane: node ");

    private static Task<int> ListeningPortAsync(ChildProcess host) =>
        host.WaitForPortAsync(@"^EmbedWs console host \(broadcast\) listening on http://127\.0\.0\.1:(\d+)/$", s_timeout);

    /// <summary>The built console host, from its own output folder (as ConsoleHostTests runs it), in broadcast mode on a free port.</summary>
    private static ChildProcess StartHost(params string[] args)
    {
        string tests = TestContext.CurrentContext.TestDirectory;
        string dir = tests.Replace(Path.Combine("tests", "EmbedWs.Tests"), Path.Combine("samples", "EmbedWs.Samples.ConsoleHost"), StringComparison.Ordinal);
        string dll = Path.Combine(dir, "EmbedWs.Samples.ConsoleHost.dll");
        Assert.That(File.Exists(dll), Is.True, dll + " is missing");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? ExternalTool.FindOnPath("dotnet") ?? "dotnet";
        return ChildProcess.Start(dotnet, dir, [dll, "--port", "0", "--host", "127.0.0.1", "--mode", "broadcast", "--heartbeat", "none", .. args]);
    }
}
