using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using EmbedWs.Tests.Clients;
using EmbedWs.Tests.TestSupport;
using StackExchange.Redis;

namespace EmbedWs.Tests.Redis;

/// <summary>
/// A Redis Cluster of the test's own: three masters (no replicas) on 127.0.0.1 and free ports,
/// each with its cluster bus on a free port of its own, their state files in a temp dir, nothing
/// saved to disk. Made with <c>redis-cli --cluster create</c>, ready once every node reports
/// <c>cluster_state:ok</c>. Disposing kills every server by its PID and deletes the temp dir.
/// Ignored without redis-server and redis-cli locally, with the install hint; required in CI.
/// </summary>
internal sealed class RedisCluster : IDisposable
{
    private const int Masters = 3;
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _dir;
    private readonly List<ChildProcess> _servers = new();
    private readonly string _cli;

    private RedisCluster(string cli)
    {
        _cli = cli;
        _dir = Directory.CreateTempSubdirectory("embedws-redis-cluster-");
    }

    /// <summary>The masters' client ports.</summary>
    public List<int> Ports { get; } = new();

    /// <summary>A StackExchange.Redis seed list of every master: the client finds the slots itself.</summary>
    public string ConnectionString => string.Join(",", Ports.Select(p => "127.0.0.1:" + p));

    public static async Task<RedisCluster> StartAsync()
    {
        string? server = ExternalTool.FindOnPath("redis-server");
        string? cli = ExternalTool.FindOnPath("redis-cli");
        if (server is null || cli is null)
        {
            ExternalTool.Missing("The Redis Cluster tests need redis-server and redis-cli (7.x): apt-get install -y redis-server redis-tools");
        }

        var cluster = new RedisCluster(cli);
        try
        {
            await cluster.StartServersAsync(server);
            await cluster.CreateAsync();
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>A command on each master (on a connection of the test's own), e.g. <c>PUBSUB SHARDNUMSUB ch</c>.</summary>
    public async Task<RedisResult[]> ExecuteOnEachAsync(string command, params object[] args)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        var results = new RedisResult[Ports.Count];
        for (int i = 0; i < Ports.Count; i++)
        {
            results[i] = await connection.GetServer("127.0.0.1", Ports[i]).ExecuteAsync(command, args);
        }

        return results;
    }

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A server still closing its files: the OS's temp cleaning takes the rest.
        }
    }

    private async Task StartServersAsync(string executable)
    {
        // The bus port is given (Redis 7's --cluster-port): port + 10000, the default, may be taken or past 65535.
        var ports = FreePorts(2 * Masters);
        for (int i = 0; i < Masters; i++)
        {
            int port = ports[2 * i];
            var server = ChildProcess.Start(executable, _dir.FullName,
                "--port", port.ToString(), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                "--cluster-config-file", $"nodes-{port}.conf", "--cluster-port", ports[2 * i + 1].ToString(),
                "--save", "", "--appendonly", "no", "--daemonize", "no");
            _servers.Add(server);
            Ports.Add(port);
        }

        foreach (var server in _servers)
        {
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Check(string _)
            {
                if (server.StandardOutput.Contains("Ready to accept connections"))
                {
                    ready.TrySetResult();
                }
            }

            server.OutputLine += Check;
            Check(string.Empty);
            Assert.That(await Task.WhenAny(ready.Task, Task.Delay(s_startTimeout)), Is.SameAs(ready.Task), "redis-server did not start:\n" + server.Output);
            server.OutputLine -= Check;
        }
    }

    private async Task CreateAsync()
    {
        var args = Ports.Select(p => "127.0.0.1:" + p).Prepend("create").Prepend("--cluster").Append("--cluster-yes").ToArray();
        using var create = ChildProcess.Start(_cli, _dir.FullName, args);
        Assert.That(await create.WaitForExitAsync(s_startTimeout), Is.Zero, "redis-cli --cluster create failed:\n" + create.Output);

        // Every node has learnt the others' slots (gossip on the bus) when each reports ok.
        await Poll.UntilAsync(async () =>
        {
            foreach (int port in Ports)
            {
                using var info = ChildProcess.Start(_cli, _dir.FullName, "-p", port.ToString(), "cluster", "info");
                await info.WaitForExitAsync(s_startTimeout);
                if (!info.StandardOutput.Contains("cluster_state:ok"))
                {
                    return false;
                }
            }

            return true;
        }, "every node of the Redis Cluster should report cluster_state:ok", s_startTimeout);
    }

    private static int[] FreePorts(int count)
    {
        // Held open together, so that the same port is not handed out twice.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
