using System.Threading.Tasks;

namespace EmbedWs.Hosting;

/// <summary>
/// Handles one type of fire-and-forget JSON message; registered with
/// <see cref="EmbedWsBuilder.AddRouteHandler{T, THandler}"/>. One instance serves every
/// connection: it must be safe to call from many threads (calls for one connection come one at
/// a time, in order).
/// </summary>
/// <typeparam name="T">The type the envelope's "data" binds to.</typeparam>
public interface IWsRouteHandler<in T>
{
    /// <summary>Handles one message.</summary>
    /// <param name="connection">The connection it came from.</param>
    /// <param name="message">The bound data.</param>
    /// <returns>Completes when the message is handled; the connection's next message waits for it.</returns>
    Task HandleAsync(IWsConnection connection, T message);
}

/// <summary>
/// Answers one type of JSON request; registered with
/// <see cref="EmbedWsBuilder.AddRouteHandler{TRequest, TReply, THandler}"/>. One instance serves
/// every connection: it must be safe to call from many threads.
/// </summary>
/// <typeparam name="TRequest">The type the envelope's "data" binds to.</typeparam>
/// <typeparam name="TReply">The reply's data.</typeparam>
public interface IWsRouteHandler<in TRequest, TReply>
{
    /// <summary>Answers one request; the result is sent back with the request's type and id.</summary>
    /// <param name="connection">The connection it came from.</param>
    /// <param name="request">The bound data.</param>
    /// <returns>The reply's data. Throw <see cref="EmbedWs.WsReplyException"/> to answer with an error code of your own.</returns>
    Task<TReply> HandleAsync(IWsConnection connection, TRequest request);
}
