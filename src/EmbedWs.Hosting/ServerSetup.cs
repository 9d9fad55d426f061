using System;

namespace EmbedWs.Hosting;

/// <summary>One <see cref="EmbedWsBuilder.Configure"/> step, kept in the container until the server is created.</summary>
internal sealed class ServerSetup
{
    private readonly Action<IServiceProvider, WsServer> _apply;

    public ServerSetup(Action<IServiceProvider, WsServer> apply) => _apply = apply;

    public void Apply(IServiceProvider services, WsServer server) => _apply(services, server);
}
