namespace EmbedWs;

/// <summary>
/// Where the server runs your handlers (<see cref="WsServerOptions.Dispatch"/>). In every mode,
/// per connection, handlers run one at a time and in order, and asynchronous ones are awaited:
/// OnConnect, then each message in arrival order, then OnClose.
/// </summary>
public enum EventDispatch
{
    /// <summary>
    /// The default: on the connection's own receive loop, awaited there. A handler that completes
    /// synchronously costs no copy and no thread hop, and what it sends leaves in the same socket
    /// write as the other replies to that read. While a handler runs (or awaits), its connection
    /// reads nothing more (TCP slows that client down); other connections go on. Handlers of
    /// different connections run at the same time, on thread-pool threads.
    /// </summary>
    Inline,

    /// <summary>
    /// On the thread pool: each message is copied into a per-connection mailbox while the socket
    /// keeps reading (up to MaxInboundQueueBytes). For handlers that block their thread.
    /// </summary>
    ThreadPool,

    /// <summary>
    /// Events wait in one bounded queue until the host calls <c>WsServer.PumpEvents</c>;
    /// every handler, and the continuations of async handlers, run on that calling thread.
    /// For game loops (Unity, Godot, a fixed-tick server) and UI threads.
    /// </summary>
    Queued,
}
