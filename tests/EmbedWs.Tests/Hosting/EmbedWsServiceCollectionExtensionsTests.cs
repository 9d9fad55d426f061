using System.Linq;
using System.Net.WebSockets;
using System.Threading;
using EmbedWs.Hosting;
using EmbedWs.Routing;
using EmbedWs.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static EmbedWs.Tests.Hosting.HostingFixture;

namespace EmbedWs.Tests.Hosting;

/// <summary>AddEmbedWs in a generic host: start with the host, options from configuration, DI, stop with the host.</summary>
public class EmbedWsServiceCollectionExtensionsTests
{
    [Test]
    public async Task HostStart_StartsServer_RouteUsesServiceFromContainer()
    {
        var builder = Builder();
        builder.Services.AddSingleton<Greeter>();
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"))
            .Configure((services, server) =>
            {
                var greeter = services.GetRequiredService<Greeter>();
                server.Route<HelloRequest, HelloReply>("hello", (c, r) => new HelloReply(greeter.Greet(r.Name)));
            });
        var (host, server) = await StartAsync(builder);
        try
        {
            Assert.That(server.Port, Is.GreaterThan(0), "port 0 from configuration is replaced by the bound port");
            using var client = await JsonClient.ConnectAsync(server.Port);

            await client.SendTextAsync(Hello(1, "ann"));

            Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"hello\",\"id\":1,\"data\":{\"text\":\"hello ann\"}}"));
        }
        finally
        {
            await StopAsync(host);
        }
    }

    [Test]
    public async Task MaxMessageSize_FromConfiguration_LargerMessageClosesWith1009()
    {
        var builder = Builder(("MaxMessageSize", "1024"));
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"));
        var (host, server) = await StartAsync(builder);
        try
        {
            using var client = await JsonClient.ConnectAsync(server.Port);

            await client.SendTextAsync(new string('x', 2000));

            var (status, _) = await client.ReceiveCloseAsync();
            Assert.That(status, Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
            Assert.That(server.Options.MaxMessageSize, Is.EqualTo(1024));
        }
        finally
        {
            await StopAsync(host);
        }
    }

    [Test]
    public async Task HostStop_ClosesClientsWith1001_AndStopsListening()
    {
        var builder = Builder();
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"));
        var (host, server) = await StartAsync(builder);
        int port = server.Port;
        using var client = await JsonClient.ConnectAsync(port);
        await Poll.UntilAsync(() => server.ConnectionCount == 1, "the server sees the client");

        using var cts = new CancellationTokenSource(WaitLimit);
        var stopping = host.StopAsync(cts.Token);
        var (status, reason) = await client.ReceiveCloseAsync();
        await stopping.WaitAsync(WaitLimit);

        Assert.That(status, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        Assert.That(reason, Is.EqualTo("server stopping"));
        Assert.That(server.ConnectionCount, Is.Zero);
        await Assert.ThrowsAsync<WebSocketException>(async () => (await JsonClient.ConnectAsync(port)).Dispose(), "nothing listens after stop");
        await ((IAsyncDisposable)host).DisposeAsync();
    }

    [Test]
    public async Task BadConfigurationValue_FailsHostStart_NamingTheKey()
    {
        var builder = Builder(("MaxMessageSize", "0"));
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync().WaitAsync(WaitLimit));

        Assert.That(ex!.Message, Is.EqualTo("EmbedWs configuration: 'EmbedWs:MaxMessageSize' = '0' is not valid: MaxMessageSize must be from 1 to 1073741823."));
    }

    [Test]
    public async Task HostLoggerFactory_IsTheServersLoggerFactory()
    {
        var logs = new RecordingLoggerProvider();
        var builder = Builder();
        builder.Logging.AddProvider(logs);
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"));
        var (host, server) = await StartAsync(builder);
        try
        {
            Assert.That(server.Options.LoggerFactory, Is.SameAs(host.Services.GetRequiredService<ILoggerFactory>()));
            Assert.That(logs.Lines.Any(l => l.Category == "EmbedWs.Server" && l.Message.StartsWith("Server started on", StringComparison.Ordinal)), Is.True);
        }
        finally
        {
            await StopAsync(host);
        }
    }

    [Test]
    public void TimeProvider_RegisteredInContainer_IsTheServersClock()
    {
        var clock = new FakeTimeProvider();

        var options = OptionsFrom(Array.Empty<(string, string?)>(), s => s.AddSingleton<TimeProvider>(clock));

        Assert.That(options.TimeProvider, Is.SameAs(clock));
    }

    [Test]
    public void TimeProviderAndLoggerFactory_SetInCode_WinOverTheContainers()
    {
        var mine = new FakeTimeProvider();
        using var myLogs = new LoggerFactory();

        var options = OptionsFrom(Array.Empty<(string, string?)>(), s =>
        {
            s.AddSingleton<TimeProvider>(new FakeTimeProvider());
            s.AddLogging();
            s.Configure<WsServerOptions>(o =>
            {
                o.TimeProvider = mine;
                o.LoggerFactory = myLogs;
            });
        });

        Assert.That(options.TimeProvider, Is.SameAs(mine));
        Assert.That(options.LoggerFactory, Is.SameAs(myLogs));
    }

    [Test]
    public void NoTimeProviderInContainer_KeepsSystemClock()
    {
        Assert.That(OptionsFrom().TimeProvider, Is.SameAs(TimeProvider.System));
    }

    [Test]
    public void AddEmbedWs_Twice_RegistersOneServerAndOneHostedService_WithBothSetups()
    {
        var services = new ServiceCollection();

        services.AddEmbedWs(o => o.MaxMessageSize = 2048);
        services.AddEmbedWs(Section(("StopTimeout", "00:00:03")));

        Assert.That(services.Count(d => d.ServiceType == typeof(WsServer)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(IHostedService)), Is.EqualTo(1));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<WsServerOptions>>().Value;
        Assert.That(options.MaxMessageSize, Is.EqualTo(2048));
        Assert.That(options.StopTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public void ConfigureInCode_RunsAfterConfiguration()
    {
        var services = new ServiceCollection();
        services.AddEmbedWs(Section(("MaxMessageSize", "1024")), o => o.MaxMessageSize = 4096);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<WsServerOptions>>().Value;

        Assert.That(options.MaxMessageSize, Is.EqualTo(4096));
    }

    [Test]
    public async Task JsonHeartbeat_FromConfiguration_SendsJsonPings()
    {
        var builder = Builder(("Heartbeat:Kind", "JsonPingPong"), ("Heartbeat:Interval", "00:00:00.200"), ("Heartbeat:Timeout", "00:00:10"));
        builder.Services.AddEmbedWs(builder.Configuration.GetSection("EmbedWs"));
        var (host, server) = await StartAsync(builder);
        try
        {
            using var client = await JsonClient.ConnectAsync(server.Port);

            var ping = await client.ReceiveJsonAsync();

            Assert.That((string?)ping["type"], Is.EqualTo("ping"));
        }
        finally
        {
            await StopAsync(host);
        }
    }

    [Test]
    public void NullArguments_Throw()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentNullException>(() => EmbedWsServiceCollectionExtensions.AddEmbedWs(null!));
        Assert.Throws<ArgumentNullException>(() => services.AddEmbedWs((Action<WsServerOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => services.AddEmbedWs((Microsoft.Extensions.Configuration.IConfiguration)null!));
        Assert.Throws<ArgumentNullException>(() => services.AddEmbedWs(Section(), null!));
    }
}
