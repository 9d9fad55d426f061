namespace EmbedWs.Dispatch;

/// <summary>Where the server runs your handlers. Per connection, order holds in every mode.</summary>
public enum EventDispatch
{
    /// <summary>
    /// On the thread-pool; each connection's handlers run one at a time, in order, while its
    /// socket keeps reading (up to a bounded inbound queue). The default.
    /// </summary>
    ThreadPool,

    /// <summary>
    /// On the connection's I/O path, with no copy and no queue: the fastest, for handlers that
    /// return quickly. A slow handler delays only its own connection's reads.
    /// </summary>
    Inline,

    /// <summary>
    /// Events wait in one bounded queue until the host calls <c>WsServer.PumpEvents</c>;
    /// every handler, and the continuations of async handlers, run on that calling thread.
    /// For game loops (Unity, Godot, a fixed-tick server) and UI threads.
    /// </summary>
    Queued,
}
