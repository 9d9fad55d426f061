using System;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EmbedWs.Hosting;

/// <summary>
/// Registers an EmbedWs <see cref="WsServer"/> in a service collection: one server per
/// container, a singleton, started when the host starts and stopped (clients get 1001) when it
/// stops. Calling <c>AddEmbedWs</c> again adds to the same server's setup.
/// </summary>
public static class EmbedWsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the server with the default options (127.0.0.1:8080), changed by any
    /// <c>services.Configure&lt;WsServerOptions&gt;(...)</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to add routes and handlers that use services.</returns>
    public static EmbedWsBuilder AddEmbedWs(this IServiceCollection services) =>
        Add(services, configuration: null, configure: null);

    /// <summary>
    /// Registers the server, configured in code. Its options are
    /// <c>IOptions&lt;WsServerOptions&gt;</c>: <paramref name="configure"/> runs when the server is
    /// first resolved (at host start). <see cref="WsServerOptions.LoggerFactory"/> and
    /// <see cref="WsServerOptions.TimeProvider"/> come from the container when not set in code.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>A builder to add routes and handlers that use services.</returns>
    public static EmbedWsBuilder AddEmbedWs(this IServiceCollection services, Action<WsServerOptions> configure) =>
        Add(services, configuration: null, configure ?? throw new ArgumentNullException(nameof(configure)));

    /// <summary>
    /// Registers the server with its options read from a configuration section, for example
    /// <c>configuration.GetSection("EmbedWs")</c>: Url, MaxMessageSize, the timeouts as
    /// <c>hh:mm:ss</c>, AllowedOrigins, SupportedSubProtocols, Heartbeat, Dispatch and the other
    /// limits (docs/hosting.md). A bad value or an unknown key makes the host's start throw an
    /// <see cref="InvalidOperationException"/> that names the key.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the options.</param>
    /// <returns>A builder to add routes and handlers that use services.</returns>
    public static EmbedWsBuilder AddEmbedWs(this IServiceCollection services, IConfiguration configuration) =>
        Add(services, configuration ?? throw new ArgumentNullException(nameof(configuration)), configure: null);

    /// <summary>
    /// Registers the server with its options read from a configuration section (see
    /// <see cref="AddEmbedWs(IServiceCollection, IConfiguration)"/>), then changed in code: for
    /// what configuration cannot hold (a certificate, the accept hook) or to override it.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the options.</param>
    /// <param name="configure">Runs after the configuration is applied.</param>
    /// <returns>A builder to add routes and handlers that use services.</returns>
    public static EmbedWsBuilder AddEmbedWs(this IServiceCollection services, IConfiguration configuration, Action<WsServerOptions> configure) =>
        Add(
            services,
            configuration ?? throw new ArgumentNullException(nameof(configuration)),
            configure ?? throw new ArgumentNullException(nameof(configure)));

    private static EmbedWsBuilder Add(IServiceCollection services, IConfiguration? configuration, Action<WsServerOptions>? configure)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        AddCore(services);
        if (configuration is not null)
        {
            services.AddSingleton<IConfigureOptions<WsServerOptions>>(new ConfigureFromConfiguration(configuration));
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return new EmbedWsBuilder(services);
    }

    private static void AddCore(IServiceCollection services)
    {
        services.AddOptions();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<WsServerOptions>, OptionsFromServices>());
        services.TryAddSingleton(s => new WsServer(s.GetRequiredService<IOptions<WsServerOptions>>().Value));
        services.AddHostedService<WsServerHostedService>();
    }
}
