using System;

namespace EmbedWs.Routing;

/// <summary>How JSON routing behaves; set with <c>server.UseRouting(o => ...)</c> before the first route.</summary>
public sealed class WsRoutingOptions
{
    private IWsJsonSerializer _serializer = new NewtonsoftWsSerializer();
    private TimeSpan _handlerTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The JSON serializer. The default is <see cref="NewtonsoftWsSerializer"/> with camelCase names.</summary>
    public IWsJsonSerializer Serializer
    {
        get => _serializer;
        set => _serializer = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Put the exception's message in handler_error replies. Off by default: exception text can
    /// leak internals to clients. It is always logged and raised on OnError.
    /// </summary>
    public bool ShowExceptionDetails { get; set; }

    /// <summary>
    /// How long an async handler may run before its request is answered with handler_timeout
    /// and the connection's next message is handled. The handler itself is not stopped; to end
    /// its work with the connection (a close, an abort, the server stopping), pass it
    /// <see cref="EmbedWs.Transport.IWsConnection.Closed"/>. The default is 30 seconds.
    /// </summary>
    public TimeSpan HandlerTimeout
    {
        get => _handlerTimeout;
        set => _handlerTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Must be positive.");
    }

    /// <summary>
    /// When true, text that is not a routable envelope (not JSON, no type, or a type with no
    /// route) goes to OnMessage as it came, with no error reply. Off by default: such text is
    /// answered with an error.
    /// </summary>
    public bool UnroutedTextToOnMessage { get; set; }
}
