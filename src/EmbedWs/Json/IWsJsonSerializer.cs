using System;
using System.Buffers;

namespace EmbedWs;

/// <summary>
/// The seam between routing and a JSON library. The default is <see cref="NewtonsoftWsSerializer"/>;
/// on .NET 8 and later <c>SystemTextJsonWsSerializer</c> is the choice for trimmed and Native AOT
/// apps (docs/serializers.md). A serializer reads and writes UTF-8: the message bytes as they came
/// off the wire, and replies straight into the buffer they are sent from. Must be safe from many threads.
/// </summary>
public interface IWsJsonSerializer
{
    /// <summary>
    /// Reads an envelope <c>{"type":...,"id":...,"data":...}</c>. Returns false with an error
    /// code (<see cref="WsRoutingErrors.InvalidJson"/> or <see cref="WsRoutingErrors.InvalidEnvelope"/>)
    /// and a message when the text is not valid JSON or not an envelope. Never throws for bad input.
    /// </summary>
    /// <param name="utf8">The message text.</param>
    /// <param name="envelope">The envelope, when read.</param>
    /// <param name="errorCode">The error code, when not.</param>
    /// <param name="errorMessage">A message for the client, when not.</param>
    bool TryReadEnvelope(ReadOnlySpan<byte> utf8, out WsEnvelope envelope, out string? errorCode, out string? errorMessage);

    /// <summary>Binds an envelope's data to <paramref name="type"/>; throws when it does not fit (answered as invalid_data).</summary>
    /// <param name="envelope">An envelope from <see cref="TryReadEnvelope"/>.</param>
    /// <param name="type">The handler's message type.</param>
    object? ReadData(in WsEnvelope envelope, Type type);

    /// <summary>
    /// Writes <c>{"type":...,"id":...,"data":...}</c> as UTF-8 into <paramref name="output"/>; the
    /// id only when <paramref name="id"/> is not null. When it throws, the caller drops whatever was written.
    /// </summary>
    /// <param name="output">Where the message's UTF-8 bytes go.</param>
    /// <param name="type">The message type.</param>
    /// <param name="id">The request id as the envelope carried it, or null.</param>
    /// <param name="data">The payload.</param>
    void WriteMessage(IBufferWriter<byte> output, string type, object? id, object? data);

    /// <summary>Writes <c>{"type":"error","id":...,"error":{"code":...,"message":...}}</c> as UTF-8 into <paramref name="output"/>.</summary>
    /// <param name="output">Where the message's UTF-8 bytes go.</param>
    /// <param name="id">The request id as the envelope carried it, or null.</param>
    /// <param name="code">A stable error code.</param>
    /// <param name="message">A message for people.</param>
    void WriteError(IBufferWriter<byte> output, object? id, string code, string message);
}

/// <summary>A parsed envelope. <see cref="Id"/> and <see cref="Data"/> are the serializer's own tokens.</summary>
public readonly struct WsEnvelope
{
    /// <summary>Creates an envelope.</summary>
    /// <param name="type">The message type.</param>
    /// <param name="id">The request id token (string or number), null when absent.</param>
    /// <param name="data">The data token, null when absent.</param>
    public WsEnvelope(string type, object? id, object? data)
    {
        Type = type;
        Id = id;
        Data = data;
    }

    /// <summary>The "type" field.</summary>
    public string Type { get; }

    /// <summary>The "id" field as the serializer read it, echoed back unchanged in replies; null when absent.</summary>
    public object? Id { get; }

    /// <summary>The "data" field as the serializer read it; null when absent.</summary>
    public object? Data { get; }
}

/// <summary>The error codes of routing error replies. Stable: clients may switch on them.</summary>
public static class WsRoutingErrors
{
    /// <summary>The text is not JSON.</summary>
    public const string InvalidJson = "invalid_json";
    /// <summary>JSON, but not an object with a string "type" (and a string or number "id", if any).</summary>
    public const string InvalidEnvelope = "invalid_envelope";
    /// <summary>No route for the "type".</summary>
    public const string UnknownType = "unknown_type";
    /// <summary>The "data" does not bind to the route's type.</summary>
    public const string InvalidData = "invalid_data";
    /// <summary>The handler threw (the text is hidden unless ShowExceptionDetails is on).</summary>
    public const string HandlerError = "handler_error";
    /// <summary>The connection sent more than MaxMessagesPerSecond or MaxBytesPerSecond allow (RateLimitPolicy ErrorReply); the message was not handled.</summary>
    public const string RateLimited = "rate_limited";
}
