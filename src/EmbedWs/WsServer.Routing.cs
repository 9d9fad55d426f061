using System;
using System.Threading.Tasks;
using EmbedWs.Routing;

namespace EmbedWs;

// JSON routing: text messages that are envelopes {"type":...,"id":...,"data":...} go to the
// route of their type once one is registered (docs/routing.md).
public sealed partial class WsServer
{
    /// <summary>
    /// Routes fire-and-forget messages of <paramref name="type"/> to a handler. Once a route is
    /// registered, text messages are routed (unroutable text gets an error reply, see
    /// <see cref="WsServerOptions.UnroutedTextToOnMessage"/>); binary messages still go to OnMessage.
    /// "ping", "pong" and "error" are reserved.
    /// </summary>
    /// <typeparam name="T">The type "data" binds to.</typeparam>
    /// <param name="type">The envelope's "type"; each type has one route.</param>
    /// <param name="handler">Runs with the connection and the bound data.</param>
    public WsServer Route<T>(string type, Action<IWsConnection, T> handler) =>
        AddRoute(type, new MessageRoute<T>(handler ?? throw new ArgumentNullException(nameof(handler))));

    /// <summary>Routes fire-and-forget messages of <paramref name="type"/> to an async handler (awaited).</summary>
    /// <typeparam name="T">The type "data" binds to.</typeparam>
    /// <param name="type">The envelope's "type".</param>
    /// <param name="handler">Runs with the connection and the bound data.</param>
    public WsServer Route<T>(string type, Func<IWsConnection, T, Task> handler) =>
        AddRoute(type, new MessageRoute<T>(handler ?? throw new ArgumentNullException(nameof(handler))));

    /// <summary>Routes requests of <paramref name="type"/>; the handler's result is the reply (same type and id).</summary>
    /// <typeparam name="TRequest">The type "data" binds to.</typeparam>
    /// <typeparam name="TReply">The reply's data.</typeparam>
    /// <param name="type">The envelope's "type".</param>
    /// <param name="handler">Returns the reply.</param>
    public WsServer Route<TRequest, TReply>(string type, Func<IWsConnection, TRequest, TReply> handler) =>
        AddRoute(type, new RequestRoute<TRequest, TReply>(handler ?? throw new ArgumentNullException(nameof(handler))));

    /// <summary>Routes requests of <paramref name="type"/> to an async handler whose result is the reply.</summary>
    /// <typeparam name="TRequest">The type "data" binds to.</typeparam>
    /// <typeparam name="TReply">The reply's data.</typeparam>
    /// <param name="type">The envelope's "type".</param>
    /// <param name="handler">Returns the reply.</param>
    public WsServer Route<TRequest, TReply>(string type, Func<IWsConnection, TRequest, Task<TReply>> handler) =>
        AddRoute(type, new RequestRoute<TRequest, TReply>(handler ?? throw new ArgumentNullException(nameof(handler))));

    private WsServer AddRoute(string type, RouteEntry entry)
    {
        _router.Add(type, entry);
        return this;
    }
}
