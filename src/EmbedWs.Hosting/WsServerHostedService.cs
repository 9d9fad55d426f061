using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace EmbedWs.Hosting;

/// <summary>
/// Starts the container's <see cref="WsServer"/> with the host and stops it with the host.
/// Resolving the server here is what creates it, so bad options fail the host's start.
/// </summary>
internal sealed class WsServerHostedService : IHostedService
{
    private readonly WsServer _server;

    public WsServerHostedService(WsServer server) => _server = server;

    public Task StartAsync(CancellationToken cancellationToken) => _server.StartAsync(cancellationToken);

    // The host's token fires when its ShutdownTimeout is over: the server then drops the
    // clients that have not finished closing instead of waiting its own StopTimeout.
    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);
}
