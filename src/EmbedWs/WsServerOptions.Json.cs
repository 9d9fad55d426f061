using System;
using EmbedWs.Json;

namespace EmbedWs;

// JSON routes and JSON sends: the serializer, what error replies may show, and which text is routed.
public sealed partial class WsServerOptions
{
    private IWsJsonSerializer _jsonSerializer = DefaultJsonSerializer.Create();
    private bool _showExceptionDetails;
    private bool _unroutedTextToOnMessage;
    private string? _routePath;

    /// <summary>
    /// The JSON serializer of routes and JSON sends. The default is <see cref="NewtonsoftWsSerializer"/>
    /// with camelCase property names; trimmed and Native AOT apps set <c>SystemTextJsonWsSerializer</c>
    /// (.NET 8 and later) and switch the Newtonsoft default off (docs/serializers.md).
    /// </summary>
    public IWsJsonSerializer JsonSerializer
    {
        get => _jsonSerializer;
        set => Set(ref _jsonSerializer, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>
    /// Put details in error replies: the exception's message in <c>handler_error</c>, the
    /// serializer's own words in <c>invalid_data</c>. Off by default: exception text can leak
    /// internals to clients. It is always logged and raised on OnError.
    /// </summary>
    public bool ShowExceptionDetails
    {
        get => _showExceptionDetails;
        set => Set(ref _showExceptionDetails, value);
    }

    /// <summary>
    /// When true, text that is not a routable envelope (not JSON, no type, or a type with no
    /// route) goes to OnMessage as it came, with no error reply. Off by default: such text is
    /// answered with an error. Has no effect until a route is registered (before that, all text
    /// goes to OnMessage).
    /// </summary>
    public bool UnroutedTextToOnMessage
    {
        get => _unroutedTextToOnMessage;
        set => Set(ref _unroutedTextToOnMessage, value);
    }

    /// <summary>
    /// When set, only connections whose request path is exactly this (e.g. <c>/rpc</c>) are
    /// routed; text on every other path goes to OnMessage as if no route were registered, so
    /// one port can serve JSON routes beside plain text or binary streams. Null (the default)
    /// routes every path.
    /// </summary>
    public string? RoutePath
    {
        get => _routePath;
        set => Set(ref _routePath, value is null || value.StartsWith("/", StringComparison.Ordinal) ? value
            : throw new ArgumentException("A route path starts with '/', e.g. \"/rpc\".", nameof(value)));
    }
}
