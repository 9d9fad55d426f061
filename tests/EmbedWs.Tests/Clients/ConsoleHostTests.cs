using System.IO;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using EmbedWs.Samples.ConsoleHost;
using EmbedWs.Tests.Integration;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Tests.Clients;

/// <summary>
/// The console host as tools outside the repo use it: its flags, and the real process started
/// with <c>--mode echo</c>, stopped by SIGTERM.
/// </summary>
public class ConsoleHostTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Test]
    public void Parse_NoArguments_IsChatOnLocalhost8080()
    {
        var options = Options.Parse(Array.Empty<string>(), out string? error);

        Assert.That(error, Is.Null);
        Assert.That(options!.Mode, Is.EqualTo(HostMode.Chat));
        Assert.That(options.ListenUrl, Is.EqualTo("ws://localhost:8080"));
        Assert.That(options.PageUrl(8080), Is.EqualTo("http://localhost:8080/"));
    }

    [TestCase(new[] { "--port", "9001", "--mode", "echo", "--host", "127.0.0.1" }, "ws://127.0.0.1:9001", HostMode.Echo)]
    [TestCase(new[] { "--port=0", "--mode=BROADCAST" }, "ws://localhost:0", HostMode.Broadcast)]
    [TestCase(new[] { "--host", "::1" }, "ws://[::1]:8080", HostMode.Chat)]
    public void Parse_Flags_AreApplied(string[] args, string url, HostMode mode)
    {
        var options = Options.Parse(args, out _);

        Assert.That(options!.ListenUrl, Is.EqualTo(url));
        Assert.That(options.Mode, Is.EqualTo(mode));
    }

    [TestCase(new[] { "--port", "abc" }, "--port must be a number")]
    [TestCase(new[] { "--port", "65536" }, "--port must be a number")]
    [TestCase(new[] { "--port" }, "--port needs a value")]
    [TestCase(new[] { "--mode", "--port", "1" }, "--mode needs a value")]
    [TestCase(new[] { "--mode", "relay" }, "--mode must be chat, echo or broadcast")]
    [TestCase(new[] { "--verbose" }, "Unknown argument '--verbose'")]
    [TestCase(new[] { "--simulate", "latency=80" }, "--simulate: 'latency=80' is not a network condition")]
    public void Parse_BadFlag_NamesIt(string[] args, string message)
    {
        Assert.That(Options.Parse(args, out string? error), Is.Null);
        Assert.That(error, Does.StartWith(message));
    }

    [Test]
    public void Parse_Simulate_SetsNetworkSimulation_OffByDefault()
    {
        var server = new WsServerOptions();
        Options.Parse(new[] { "--simulate", "latency=80ms,jitter=20ms,loss=2%" }, out _)!.ApplyLimits(server);
        Assert.That(server.NetworkSimulation!.Latency, Is.EqualTo(TimeSpan.FromMilliseconds(80)));
        Assert.That(server.NetworkSimulation.Jitter, Is.EqualTo(TimeSpan.FromMilliseconds(20)));
        Assert.That(server.NetworkSimulation.Loss, Is.EqualTo(0.02).Within(1e-9));

        var plain = new WsServerOptions();
        Options.Parse(Array.Empty<string>(), out _)!.ApplyLimits(plain);
        Assert.That(plain.NetworkSimulation, Is.Null);
        Assert.That(Options.Usage, Does.Contain("--simulate CONDITIONS"));
    }

    [Test]
    public void Parse_NoHeartbeatFlags_IsPingPongWithTheLibraryDefaults()
    {
        var heartbeat = Options.Parse(Array.Empty<string>(), out _)!.Heartbeat;

        Assert.That(heartbeat.Kind, Is.EqualTo(HeartbeatKind.PingPong));
        Assert.That(heartbeat.IntervalSeconds, Is.Null);
        Assert.That(heartbeat.TimeoutSeconds, Is.Null);
        Assert.That(heartbeat.Create().TickInterval, Is.EqualTo(EmbedWs.HeartbeatPolicy.PingPong().TickInterval));
        Assert.That(heartbeat.Describe(), Is.EqualTo("protocol ping after 15 s of silence, timeout 10 s"));
    }

    [TestCase(new[] { "--heartbeat", "json", "--heartbeat-interval", "0.5", "--heartbeat-timeout=2" }, "JSON ping after 0.5 s of silence, timeout 2 s", 125)]
    [TestCase(new[] { "--heartbeat=PingPong", "--heartbeat-interval=.3", "--heartbeat-timeout", "0.25" }, "protocol ping after 0.3 s of silence, timeout 0.25 s", 62.5)]
    [TestCase(new[] { "--heartbeat", "idle", "--heartbeat-timeout", "1.5", "--heartbeat-interval", "7" }, "idle timeout 1.5 s", 375)]
    [TestCase(new[] { "--heartbeat", "NONE", "--heartbeat-timeout", "3" }, "none", -1)]
    public void Parse_HeartbeatFlags_MakeThePolicy(string[] args, string description, double tickMilliseconds)
    {
        // A culture whose decimal separator is a comma: the flags still read "0.5" as a half.
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            var options = Options.Parse(args, out string? error);

            Assert.That(error, Is.Null);
            Assert.That(options!.Heartbeat.Describe(), Is.EqualTo(description));
            Assert.That(options.Heartbeat.Create().TickInterval, Is.EqualTo(TimeSpan.FromMilliseconds(tickMilliseconds)));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    [TestCase(new[] { "--heartbeat", "fast" }, "--heartbeat must be pingpong, json, idle or none, not 'fast'.")]
    [TestCase(new[] { "--heartbeat" }, "--heartbeat needs a value.")]
    [TestCase(new[] { "--heartbeat-interval", "0" }, "--heartbeat-interval must be a number of seconds more than 0 and at most 86400 (e.g. 15 or 0.5), not '0'.")]
    [TestCase(new[] { "--heartbeat-interval", "-1" }, "--heartbeat-interval must be a number of seconds")]
    [TestCase(new[] { "--heartbeat-interval", "0,5" }, "--heartbeat-interval must be a number of seconds")]
    [TestCase(new[] { "--heartbeat-interval", "1e3" }, "--heartbeat-interval must be a number of seconds")]
    [TestCase(new[] { "--heartbeat-timeout", "NaN" }, "--heartbeat-timeout must be a number of seconds")]
    [TestCase(new[] { "--heartbeat-timeout", "86401" }, "--heartbeat-timeout must be a number of seconds")]
    [TestCase(new[] { "--heartbeat-timeout", "0.0000000001" }, "--heartbeat-timeout must be a number of seconds")]
    [TestCase(new[] { "--heartbeat-timeout=" }, "--heartbeat-timeout must be a number of seconds")]
    public void Parse_BadHeartbeatFlag_NamesIt(string[] args, string message)
    {
        Assert.That(Options.Parse(args, out string? error), Is.Null);
        Assert.That(error, Does.StartWith(message));
    }

    [Test]
    public void Parse_NoLimitFlags_KeepsTheLibraryDefaults()
    {
        var options = Options.Parse(Array.Empty<string>(), out _)!;
        var serverOptions = new WsServerOptions();

        options.ApplyLimits(serverOptions);

        Assert.That(options.MaxMessageSize, Is.Null);
        Assert.That(options.MaxFragmentsPerMessage, Is.Null);
        Assert.That(serverOptions.MaxMessageSize, Is.EqualTo(new WsServerOptions().MaxMessageSize));
        Assert.That(serverOptions.MaxFragmentsPerMessage, Is.EqualTo(new WsServerOptions().MaxFragmentsPerMessage));
    }

    [TestCase(new[] { "--max-message-size", "67108864", "--max-fragments", "100000" }, 67108864, 100000)]
    [TestCase(new[] { "--max-message-size=1", "--max-fragments=1" }, 1, 1)]
    [TestCase(new[] { "--max-message-size", "1073741823", "--max-fragments", "2147483647" }, 1073741823, 2147483647)]
    public void Parse_LimitFlags_SetTheServerOptions(string[] args, int size, int fragments)
    {
        var options = Options.Parse(args, out string? error);
        var serverOptions = new WsServerOptions();

        Assert.That(error, Is.Null);
        options!.ApplyLimits(serverOptions);
        Assert.That(serverOptions.MaxMessageSize, Is.EqualTo(size));
        Assert.That(serverOptions.MaxFragmentsPerMessage, Is.EqualTo(fragments));
    }

    [TestCase(new[] { "--max-message-size", "0" }, "--max-message-size must be a number of bytes from 1 to 1073741823, not '0'.")]
    [TestCase(new[] { "--max-message-size", "1073741824" }, "--max-message-size must be a number of bytes from 1 to 1073741823, not '1073741824'.")]
    [TestCase(new[] { "--max-message-size", "-5" }, "--max-message-size must be a number of bytes from 1 to 1073741823, not '-5'.")]
    [TestCase(new[] { "--max-message-size=-5" }, "--max-message-size must be a number of bytes")]
    [TestCase(new[] { "--max-message-size", "64MiB" }, "--max-message-size must be a number of bytes")]
    [TestCase(new[] { "--max-message-size", "1,000" }, "--max-message-size must be a number of bytes")]
    [TestCase(new[] { "--max-message-size=" }, "--max-message-size must be a number of bytes")]
    [TestCase(new[] { "--max-message-size" }, "--max-message-size needs a value.")]
    [TestCase(new[] { "--max-fragments", "0" }, "--max-fragments must be a number from 1 to 2147483647, not '0'.")]
    [TestCase(new[] { "--max-fragments", "2147483648" }, "--max-fragments must be a number from 1 to 2147483647, not '2147483648'.")]
    [TestCase(new[] { "--max-fragments=+3" }, "--max-fragments must be a number from 1")]
    [TestCase(new[] { "--max-fragments", "--port", "1" }, "--max-fragments needs a value.")]
    public void Parse_BadLimitFlag_NamesIt(string[] args, string message)
    {
        Assert.That(Options.Parse(args, out string? error), Is.Null);
        Assert.That(error, Does.StartWith(message));
    }

    [TestCase(new string[0], false)]
    [TestCase(new[] { "--compression", "on" }, true)]
    [TestCase(new[] { "--compression=off" }, false)]
    public void Parse_Compression_SetsTheServerOption(string[] args, bool on)
    {
        var options = Options.Parse(args, out string? error);
        var serverOptions = new WsServerOptions();

        Assert.That(error, Is.Null);
        options!.ApplyLimits(serverOptions);
        Assert.That(serverOptions.Compression, Is.EqualTo(on));
    }

    [TestCase(new[] { "--compression", "yes" }, "--compression must be on or off, not 'yes'.")]
    [TestCase(new[] { "--compression" }, "--compression needs a value.")]
    public void Parse_BadCompressionFlag_NamesIt(string[] args, string message)
    {
        Assert.That(Options.Parse(args, out string? error), Is.Null);
        Assert.That(error, Is.EqualTo(message));
        Assert.That(Options.Usage, Does.Contain("--compression on|off"));
    }

    [Test]
    public void Usage_DocumentsTheLimitFlags()
    {
        Assert.That(Options.Usage, Does.Contain("[--max-message-size BYTES] [--max-fragments N]"));
        Assert.That(Options.Usage, Does.Contain("--max-message-size BYTES The largest message").And.Contain("--max-fragments N        The most frames"));
    }

    [Test]
    public async Task Process_BadMaxFragments_ExitsWith2AndSaysWhy()
    {
        using var host = StartHost("--mode", "echo", "--max-fragments", "0");

        Assert.That(await host.WaitForExitAsync(s_timeout), Is.EqualTo(2), host.Output);
        Assert.That(host.StandardError, Does.Contain("--max-fragments must be a number from 1 to 2147483647, not '0'."));
    }

    [Test]
    public void Usage_DocumentsTheHeartbeatFlags()
    {
        Assert.That(Options.Usage, Does.Contain("--heartbeat KIND").And.Contain("--heartbeat-interval S").And.Contain("--heartbeat-timeout S"));
        Assert.That(Options.Usage, Does.Contain("pingpong").And.Contain("json").And.Contain("idle").And.Contain("none"));
    }

    [Test]
    public async Task Process_BadHeartbeatTimeout_ExitsWith2AndSaysWhy()
    {
        using var host = StartHost("--heartbeat", "json", "--heartbeat-timeout", "soon");

        Assert.That(await host.WaitForExitAsync(s_timeout), Is.EqualTo(2), host.Output);
        Assert.That(host.StandardError, Does.Contain("--heartbeat-timeout must be a number of seconds more than 0 and at most 86400 (e.g. 15 or 0.5), not 'soon'."));
    }

    [Test]
    public async Task Process_BadPort_ExitsWith2AndSaysWhy()
    {
        using var host = StartHost("--port", "abc");

        Assert.That(await host.WaitForExitAsync(s_timeout), Is.EqualTo(2), host.Output);
        Assert.That(host.StandardError, Does.Contain("--port must be a number from 0 to 65535, not 'abc'."));
    }

    [Test]
    public async Task Process_DefaultLogLevel_LogsConnectsAndClosesButNotMessages()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            Assert.Ignore("SIGTERM is a POSIX signal; on Windows stop the host with Ctrl+C.");
        }

        using var host = StartHost("--host", "127.0.0.1", "--port", "0", "--mode", "echo");
        int port = await ListeningPortAsync(host);

        using var cts = new CancellationTokenSource(s_timeout);
        using (var client = new ClientWebSocket())
        {
            await client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"), cts.Token);
            await client.SendAsync(Encoding.UTF8.GetBytes("secret"), WebSocketMessageType.Text, true, cts.Token);
            await ClientWebSocketTests.ReceiveAsync(client, cts.Token);
            await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
        }

        Assert.That(SendSigterm(host.Id), Is.EqualTo(0), "kill(SIGTERM) failed");
        Assert.That(await host.WaitForExitAsync(s_timeout), Is.EqualTo(0), host.Output);
        Assert.That(host.StandardOutput, Does.Contain("#1 connected from 127.0.0.1").And.Contain("#1 closed 1000 bye (ClientClosed)"));
        Assert.That(host.StandardOutput, Does.Not.Contain("secret"), "messages are logged at debug only");
    }

    [TestCase("debug", LogLevel.Debug)]
    [TestCase("NONE", LogLevel.None)]
    [TestCase("info", LogLevel.Information)]
    public void Parse_LogLevel_IsRead(string value, LogLevel expected)
    {
        Assert.That(Options.Parse(new[] { "--log-level", value }, out _)!.LogLevel, Is.EqualTo(expected));
    }

    [Test]
    public void Parse_BadLogLevel_NamesTheFlag()
    {
        Assert.That(Options.Parse(new[] { "--log-level=loud" }, out string? error), Is.Null);
        Assert.That(error, Is.EqualTo("--log-level must be trace, debug, information, warning, error or none, not 'loud'."));
    }

    [Test]
    public async Task Process_EchoMode_EchoesThenStopsOnSigterm_WithExit0()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            Assert.Ignore("SIGTERM is a POSIX signal; on Windows stop the host with Ctrl+C.");
        }

        using var host = StartHost("--host", "127.0.0.1", "--port", "0", "--mode", "echo", "--heartbeat", "idle", "--heartbeat-timeout", "30",
            "--max-message-size=65536", "--max-fragments", "16", "--log-level", "debug");
        int port = await ListeningPortAsync(host);

        using var cts = new CancellationTokenSource(s_timeout);
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/any/path"), cts.Token);
        await client.SendAsync(Encoding.UTF8.GetBytes("ping"), WebSocketMessageType.Text, true, cts.Token);
        var (_, data) = await ClientWebSocketTests.ReceiveAsync(client, cts.Token);
        Assert.That(Encoding.UTF8.GetString(data), Is.EqualTo("ping"));

        Assert.That(SendSigterm(host.Id), Is.EqualTo(0), "kill(SIGTERM) failed");

        // The host closes its clients with 1001 before it exits.
        var result = await client.ReceiveAsync(new byte[16], cts.Token);
        Assert.That(result.MessageType, Is.EqualTo(WebSocketMessageType.Close));
        Assert.That(client.CloseStatus, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        Assert.That(await host.WaitForExitAsync(s_timeout), Is.EqualTo(0), host.Output);
        Assert.That(host.StandardOutput, Does.Contain("Heartbeat: idle timeout 30 s").And.Contain("#1 text: ping").And.Contain("Stopped."));
        Assert.That(host.StandardOutput, Does.Contain("#1 connected from 127.0.0.1").And.Contain("Server started on 127.0.0.1:"), "the host and the library log to the console");
        Assert.That(host.StandardOutput, Does.Contain("Limits: messages up to 65536 bytes in up to 16 frames"));
    }

    /// <summary>Waits for the echo host's "listening on" line; returns the port it names.</summary>
    private static Task<int> ListeningPortAsync(ChildProcess host) =>
        host.WaitForPortAsync(@"^EmbedWs console host \(echo\) listening on http://127\.0\.0\.1:(\d+)/$", s_timeout);

    /// <summary>
    /// Runs the built sample from its own output folder (the ProjectReference builds it, in the
    /// tests' configuration): its copy next to the tests would run with the tests' dependencies,
    /// and the tests take some assemblies from the ASP.NET Core shared framework, which the
    /// console host does not use.
    /// </summary>
    internal static ChildProcess StartHost(params string[] args)
    {
        string tests = TestContext.CurrentContext.TestDirectory;
        string dir = tests.Replace(Path.Combine("tests", "EmbedWs.Tests"), Path.Combine("samples", "EmbedWs.Samples.ConsoleHost"), StringComparison.Ordinal);
        string dll = Path.Combine(dir, "EmbedWs.Samples.ConsoleHost.dll");
        Assert.That(File.Exists(dll), Is.True, dll + " is missing");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? ExternalTool.FindOnPath("dotnet") ?? "dotnet";
        return ChildProcess.Start(dotnet, dir, [dll, .. args]);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static int SendSigterm(int pid) => Kill(pid, 15);
}
