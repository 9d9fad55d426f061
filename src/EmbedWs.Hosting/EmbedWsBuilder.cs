using System;
#if NET8_0_OR_GREATER
using System.Diagnostics.CodeAnalysis;
#endif
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EmbedWs.Hosting;

/// <summary>
/// Returned by <c>AddEmbedWs</c>: wires the server to services from the container. Every step
/// runs once, when the host starts and before the server listens, in the order it was added;
/// the services a step resolves are resolved once, not per message or per connection.
/// </summary>
public sealed class EmbedWsBuilder
{
    internal EmbedWsBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection the server is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Adds a setup step for the server, run once when the host starts, before the server
    /// listens: add routes
    /// (<c>server.Route&lt;T&gt;</c>), add handlers to OnConnect / OnMessage / OnClose /
    /// OnError. Options are set in <c>AddEmbedWs</c>: the server freezes them when it starts. Resolve
    /// what the handlers need from <c>services</c> here, once (singletons); a scoped service
    /// must be resolved from a scope you create and own.
    /// </summary>
    /// <param name="configure">Gets the root service provider and the server.</param>
    /// <returns>This builder.</returns>
    public EmbedWsBuilder Configure(Action<IServiceProvider, WsServer> configure)
    {
        Services.AddSingleton(new ServerSetup(configure ?? throw new ArgumentNullException(nameof(configure))));
        return this;
    }

    /// <summary>
    /// Routes fire-and-forget messages of <paramref name="type"/> to a handler class. The
    /// handler is registered as a singleton (unless already registered) and resolved once, when
    /// the host starts; its constructor may take singleton services, the <see cref="WsServer"/>
    /// included (to broadcast or use groups).
    /// </summary>
    /// <typeparam name="T">The type the envelope's "data" binds to.</typeparam>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <param name="type">The envelope's "type"; each type has one route.</param>
    /// <returns>This builder.</returns>
    public EmbedWsBuilder AddRouteHandler<T,
#if NET8_0_OR_GREATER
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] // the container constructs it (trimming keeps the constructor)
#endif
        THandler>(string type)
        where THandler : class, IWsRouteHandler<T>
    {
        CheckType(type);
        Services.TryAddSingleton<THandler>();
        return Configure((services, server) =>
        {
            var handler = services.GetRequiredService<THandler>();
            server.Route<T>(type, handler.HandleAsync);
        });
    }

    /// <summary>
    /// Routes requests of <paramref name="type"/> to a handler class whose result is the reply
    /// (same type and id). The handler is registered as a singleton (unless already registered)
    /// and resolved once, when the host starts; its constructor may take singleton services, the
    /// <see cref="WsServer"/> included.
    /// </summary>
    /// <typeparam name="TRequest">The type the envelope's "data" binds to.</typeparam>
    /// <typeparam name="TReply">The reply's data.</typeparam>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <param name="type">The envelope's "type"; each type has one route.</param>
    /// <returns>This builder.</returns>
    public EmbedWsBuilder AddRouteHandler<TRequest, TReply,
#if NET8_0_OR_GREATER
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] // the container constructs it (trimming keeps the constructor)
#endif
        THandler>(string type)
        where THandler : class, IWsRouteHandler<TRequest, TReply>
    {
        CheckType(type);
        Services.TryAddSingleton<THandler>();
        return Configure((services, server) =>
        {
            var handler = services.GetRequiredService<THandler>();
            server.Route<TRequest, TReply>(type, handler.HandleAsync);
        });
    }

    // A bad type fails at registration, like a duplicate route does in WsRouter, rather than at host start.
    private static void CheckType(string type)
    {
        if (string.IsNullOrEmpty(type))
        {
            throw new ArgumentException("A route needs a message type.", nameof(type));
        }
    }
}
