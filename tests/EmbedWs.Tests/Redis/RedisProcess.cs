using System.IO;
using System.Net;
using System.Net.Sockets;
using EmbedWs.Tests.Clients;
using StackExchange.Redis;

namespace EmbedWs.Tests.Redis;

/// <summary>
/// A redis-server of the test's own, on 127.0.0.1 and a free port, saving nothing to disk;
/// stopped (killed by its PID) when disposed. Never a system instance. Ignored without
/// redis-server locally, with the install hint; required in CI.
/// </summary>
internal sealed class RedisProcess : IDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(10);

    private ChildProcess? _process;

    private RedisProcess(string executable, int port)
    {
        Executable = executable;
        Port = port;
    }

    public string Executable { get; }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisProcess> StartAsync()
    {
        string? executable = ExternalTool.FindOnPath("redis-server");
        if (executable is null)
        {
            ExternalTool.Missing("The Redis backplane tests need redis-server (7.x): apt-get install -y redis-server");
        }

        var redis = new RedisProcess(executable, FreePort());
        await redis.RestartAsync();
        return redis;
    }

    /// <summary>Starts the server again on the same port (after <see cref="Kill"/>).</summary>
    public async Task RestartAsync()
    {
        _process = ChildProcess.Start(Executable, Path.GetTempPath(),
            "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(string _)
        {
            if (_process.StandardOutput.Contains("Ready to accept connections"))
            {
                ready.TrySetResult();
            }
        }

        _process.OutputLine += Check;
        Check(string.Empty);
        Assert.That(await Task.WhenAny(ready.Task, Task.Delay(s_startTimeout)), Is.SameAs(ready.Task), "redis-server did not start:\n" + _process.Output);
        _process.OutputLine -= Check;
    }

    /// <summary>Kills the server by its PID: the clients' connections drop at once, as in a crash.</summary>
    public void Kill()
    {
        var process = System.Diagnostics.Process.GetProcessById(_process!.Id);
        process.Kill();
        process.WaitForExit(10_000);
        _process.Dispose();
        _process = null;
    }

    /// <summary>A command on a connection of the test's own (not a node's), e.g. <c>PUBSUB SHARDNUMSUB ch</c>.</summary>
    public async Task<RedisResult> ExecuteAsync(string command, params object[] args)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        return await connection.GetServer(ConnectionString).ExecuteAsync(command, args);
    }

    public void Dispose() => _process?.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
