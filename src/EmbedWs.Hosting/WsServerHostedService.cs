using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace EmbedWs.Hosting;

/// <summary>
/// Starts the container's <see cref="WsServer"/> with the host and stops it with the host.
/// Resolving the server here is what creates it, so bad options fail the host's start. The
/// builder's setup steps run here, once, after the server exists: so a route handler class may
/// take the <see cref="WsServer"/> itself in its constructor (to broadcast) without a cycle.
/// </summary>
internal sealed class WsServerHostedService : IHostedService
{
    private readonly WsServer _server;
    private readonly IServiceProvider _services;
    private readonly IEnumerable<ServerSetup> _setups;

    public WsServerHostedService(WsServer server, IServiceProvider services, IEnumerable<ServerSetup> setups)
    {
        _server = server;
        _services = services;
        _setups = setups;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var setup in _setups)
        {
            setup.Apply(_services, _server);
        }

        return _server.StartAsync(cancellationToken);
    }

    // The host's token fires when its ShutdownTimeout is over: the server then drops the
    // clients that have not finished closing instead of waiting its own StopTimeout.
    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);
}
