using System;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EmbedWs.Hosting;

/// <summary>
/// Gives the server the container's <see cref="ILoggerFactory"/> and <see cref="TimeProvider"/>
/// when the options still hold the defaults. A post-configure step, so it runs after every
/// configure, whatever the registration order, and a value set in code wins.
/// </summary>
internal sealed class OptionsFromServices : IPostConfigureOptions<WsServerOptions>
{
    private readonly ILoggerFactory? _loggerFactory;
    private readonly TimeProvider? _timeProvider;

    public OptionsFromServices(ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _loggerFactory = loggerFactory;
        _timeProvider = timeProvider;
    }

    public void PostConfigure(string? name, WsServerOptions options)
    {
        if (_loggerFactory is not null && ReferenceEquals(options.LoggerFactory, NullLoggerFactory.Instance))
        {
            options.LoggerFactory = _loggerFactory;
        }

        if (_timeProvider is not null && ReferenceEquals(options.TimeProvider, TimeProvider.System))
        {
            options.TimeProvider = _timeProvider;
        }
    }
}
