using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using EmbedWs.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmbedWs.Tests.Hosting;

internal sealed record HelloRequest(string Name);

internal sealed record HelloReply(string Text);

internal sealed record AddRequest(int A, int B);

internal sealed record AddReply(int Sum);

internal sealed record Note(string Text);

// A service the routes depend on, registered in the container by the tests.
internal sealed class Greeter
{
    public string Greet(string name) => $"hello {name}";
}

// Generic hosts on loopback port 0 with in-memory configuration, every await bounded.
internal static class HostingFixture
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    /// <summary>
    /// An empty host builder (no files, no environment) whose configuration has
    /// EmbedWs:Url = ws://127.0.0.1:0 plus <paramref name="settings"/> (keys under "EmbedWs:"),
    /// with scope and build-time validation on.
    /// </summary>
    public static HostApplicationBuilder Builder(params (string Key, string? Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var values = new Dictionary<string, string?> { ["EmbedWs:Url"] = "ws://127.0.0.1:0" };
        foreach (var (key, value) in settings)
        {
            values["EmbedWs:" + key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true }));
        return builder;
    }

    /// <summary>Builds and starts the host; returns it and its server (whose Port is the real one).</summary>
    public static async Task<(IHost Host, WsServer Server)> StartAsync(HostApplicationBuilder builder)
    {
        var host = builder.Build();
        using var cts = new CancellationTokenSource(WaitLimit);
        await host.StartAsync(cts.Token);
        return (host, host.Services.GetRequiredService<WsServer>());
    }

    public static async Task StopAsync(IHost host)
    {
        using var cts = new CancellationTokenSource(WaitLimit);
        await host.StopAsync(cts.Token).WaitAsync(WaitLimit);
        await ((IAsyncDisposable)host).DisposeAsync();
    }

    /// <summary>The options the container builds from <paramref name="settings"/> (keys under "EmbedWs:"), no host.</summary>
    public static WsServerOptions OptionsFrom(params (string Key, string? Value)[] settings) => OptionsFrom(settings, configure: null);

    public static WsServerOptions OptionsFrom((string Key, string? Value)[] settings, Action<IServiceCollection>? configure)
    {
        var services = new ServiceCollection();
        services.AddEmbedWs(Section(settings));
        configure?.Invoke(services);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<WsServerOptions>>().Value;
    }

    public static IConfigurationSection Section(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>("EmbedWs:" + s.Key, s.Value)))
            .Build()
            .GetSection("EmbedWs");

    public static string Hello(int id, string name) => $"{{\"type\":\"hello\",\"id\":{id},\"data\":{{\"name\":\"{name}\"}}}}";
}

// Records every log line with its category.
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue((category, logLevel, formatter(state, exception)));
    }
}
