using System;
using System.Threading.Tasks;
using EmbedWs.Transport;

namespace EmbedWs.Routing;

/// <summary>
/// JSON routing on a <see cref="WsServer"/>: register typed handlers for message types, and send
/// typed messages. Text messages go to the routes once one is registered (README "JSON routing").
/// </summary>
public static class WsRoutingExtensions
{
    /// <summary>Configures routing (serializer, error details, timeout). Call before the server starts.</summary>
    /// <param name="server">The server.</param>
    /// <param name="configure">Changes the options.</param>
    public static WsServer UseRouting(this WsServer server, Action<WsRoutingOptions> configure)
    {
        configure(RouterOf(server).Options);
        return server;
    }

    /// <summary>Routes fire-and-forget messages of <paramref name="type"/> to a handler.</summary>
    /// <typeparam name="T">The type "data" binds to.</typeparam>
    /// <param name="server">The server.</param>
    /// <param name="type">The envelope's "type"; each type has one route.</param>
    /// <param name="handler">Runs with the connection and the bound data.</param>
    public static WsServer Route<T>(this WsServer server, string type, Action<IWsConnection, T> handler) =>
        Add(server, type, new MessageRoute<T>(handler ?? throw new ArgumentNullException(nameof(handler))));

    /// <summary>Routes fire-and-forget messages of <paramref name="type"/> to an async handler.</summary>
    /// <typeparam name="T">The type "data" binds to.</typeparam>
    /// <param name="server">The server.</param>
    /// <param name="type">The envelope's "type".</param>
    /// <param name="handler">Runs with the connection and the bound data.</param>
    public static WsServer Route<T>(this WsServer server, string type, Func<IWsConnection, T, Task> handler) =>
        Add(server, type, new MessageRoute<T>(handler ?? throw new ArgumentNullException(nameof(handler))));

    /// <summary>Routes requests of <paramref name="type"/>; the handler's result is the reply (same type and id).</summary>
    /// <typeparam name="TRequest">The type "data" binds to.</typeparam>
    /// <typeparam name="TReply">The reply's data.</typeparam>
    /// <param name="server">The server.</param>
    /// <param name="type">The envelope's "type".</param>
    /// <param name="handler">Returns the reply.</param>
    public static WsServer Route<TRequest, TReply>(this WsServer server, string type, Func<IWsConnection, TRequest, TReply> handler) =>
        Add(server, type, new RequestRoute<TRequest, TReply>(handler ?? throw new ArgumentNullException(nameof(handler))));

    /// <summary>Routes requests of <paramref name="type"/> to an async handler whose result is the reply.</summary>
    /// <typeparam name="TRequest">The type "data" binds to.</typeparam>
    /// <typeparam name="TReply">The reply's data.</typeparam>
    /// <param name="server">The server.</param>
    /// <param name="type">The envelope's "type".</param>
    /// <param name="handler">Returns the reply.</param>
    public static WsServer Route<TRequest, TReply>(this WsServer server, string type, Func<IWsConnection, TRequest, Task<TReply>> handler) =>
        Add(server, type, new RequestRoute<TRequest, TReply>(handler ?? throw new ArgumentNullException(nameof(handler))));

    /// <summary>Sends <c>{"type":...,"data":...}</c> to one connection.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="type">The message type.</param>
    /// <param name="data">The payload, serialized with the server's serializer.</param>
    public static ValueTask<bool> SendAsync(this IWsConnection connection, string type, object? data) =>
        connection.SendAsync(SerializerOf(connection).WriteMessage(type, null, data));

    /// <summary>Sends <c>{"type":...,"data":...}</c> to every open connection (except one), serialized once.</summary>
    /// <param name="server">The server.</param>
    /// <param name="type">The message type.</param>
    /// <param name="data">The payload.</param>
    /// <param name="except">A connection to leave out; null for none.</param>
    public static ValueTask<int> BroadcastAsync(this WsServer server, string type, object? data, IWsConnection? except = null) =>
        server.BroadcastAsync(RouterOf(server).Serialize(type, data), except);

    /// <summary>Sends <c>{"type":...,"data":...}</c> to every member of a group (except one), serialized once.</summary>
    /// <param name="groups">The server's groups.</param>
    /// <param name="group">The group name.</param>
    /// <param name="type">The message type.</param>
    /// <param name="data">The payload.</param>
    /// <param name="except">A member to leave out; null for none.</param>
    public static ValueTask<int> SendAsync(this WsGroups groups, string group, string type, object? data, IWsConnection? except = null) =>
        groups.SendAsync(group, RouterOf(groups.Server).Serialize(type, data), except);

    private static WsServer Add(WsServer server, string type, RouteEntry entry)
    {
        RouterOf(server).Add(type, entry);
        return server;
    }

    private static WsRouter RouterOf(WsServer server) =>
        (server ?? throw new ArgumentNullException(nameof(server))).GetOrAddTextHandler(s => new WsRouter(s));

    private static IWsJsonSerializer SerializerOf(IWsConnection connection) =>
        connection is WsConnection { Owner: WsServer server } ? RouterOf(server).Options.Serializer : s_default;

    private static readonly IWsJsonSerializer s_default = new NewtonsoftWsSerializer();
}
