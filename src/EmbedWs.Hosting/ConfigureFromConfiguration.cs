using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EmbedWs.Hosting;

/// <summary>Applies a configuration section to the options when they are created (at host start).</summary>
internal sealed class ConfigureFromConfiguration : IConfigureOptions<WsServerOptions>
{
    private readonly IConfiguration _configuration;

    public ConfigureFromConfiguration(IConfiguration configuration) => _configuration = configuration;

    public void Configure(WsServerOptions options) => WsServerConfiguration.Apply(_configuration, options);
}
