using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Json;
using EmbedWs.Transport;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Routing;

/// <summary>What the router needs of the server it routes for. Implemented by the server facade.</summary>
internal interface IRouteHost
{
    /// <summary>Text the routes do not take, for the server's OnMessage handlers.</summary>
    ValueTask RaiseMessageAsync(IWsConnection connection, WsMessage message);

    /// <summary>Raises OnError for an error routing has already logged.</summary>
    void RaiseError(IWsConnection? connection, Exception exception);

    /// <summary>Queues <paramref name="utf8"/> as one text message to a connection of this server.</summary>
    void SendText(IWsConnection connection, ReadOnlySpan<byte> utf8);
}

/// <summary>
/// Routes JSON envelopes to typed handlers and answers requests (docs/routing.md). The table is
/// copied on write: lookups take no lock. Safe from any thread.
/// </summary>
internal sealed class WsRouter
{
    private readonly IRouteHost _host;
    private readonly object _writeLock = new();
    private Dictionary<string, RouteEntry> _routes = new(StringComparer.Ordinal);
    private WsSettings _settings = null!;
    private EmbedWsMetrics? _metrics;
    private ILogger _logger = null!;

    public WsRouter(IRouteHost host) => _host = host;

    /// <summary>Reserved types: JSON ping and pong (always answered by the server) and error replies.</summary>
    public static bool IsReserved(string type) => type is "ping" or "pong" or "error";

    public bool HasRoutes => Volatile.Read(ref _routes).Count > 0;

    /// <summary>Takes the started server's settings; called by StartAsync before any message.</summary>
    public void Start(WsSettings settings, EmbedWsMetrics? metrics)
    {
        _settings = settings;
        _metrics = metrics;
        _logger = settings.LoggerFactory.CreateLogger("EmbedWs.Routing");
    }

    /// <summary>Registers a route; a type that is reserved or already routed is refused here, not at run time.</summary>
    public void Add(string type, RouteEntry entry)
    {
        if (string.IsNullOrEmpty(type))
        {
            throw new ArgumentException("A route needs a type.", nameof(type));
        }

        if (IsReserved(type))
        {
            throw new ArgumentException(
                $"\"{type}\" is reserved and cannot be routed: the server answers JSON pings itself ({{\"type\":\"ping\"}} gets {{\"type\":\"pong\"}}), takes pongs for the heartbeat, and sends errors as \"error\".",
                nameof(type));
        }

        lock (_writeLock)
        {
            if (_routes.ContainsKey(type))
            {
                throw new ArgumentException($"A route for \"{type}\" is already registered.", nameof(type));
            }

            var copy = new Dictionary<string, RouteEntry>(_routes, StringComparer.Ordinal) { [type] = entry };
            Volatile.Write(ref _routes, copy);
        }
    }

    /// <summary>Handles one text message; never throws. The payload is valid until the task completes.</summary>
    public ValueTask HandleAsync(IWsConnection connection, WsMessage message)
    {
        var serializer = _settings.JsonSerializer;
        if (!serializer.TryReadEnvelope(message.Data.Span, out var envelope, out var code, out var error))
        {
            return Unrouted(connection, message, envelope, code!, error!);
        }

        if (!Volatile.Read(ref _routes).TryGetValue(envelope.Type, out var route))
        {
            return Unrouted(connection, message, envelope, WsRoutingErrors.UnknownType, $"No route for type \"{envelope.Type}\".");
        }

        object? data;
        try
        {
            data = serializer.ReadData(envelope, route.DataType);
        }
        catch (Exception ex)
        {
            string why = _settings.ShowExceptionDetails ? $"\"data\" does not fit {route.DataType.Name}: {ex.Message}"
                : serializer is IDescribesDataErrors describes ? describes.DescribeDataError(ex, route.DataType)
                : "\"data\" does not fit this message type.";
            Fail(connection, envelope, WsRoutingErrors.InvalidData, why, ex);
            return default;
        }

        ValueTask<object?> result;
        try
        {
            result = route.InvokeAsync(connection, data);
        }
        catch (Exception ex)
        {
            HandlerFailed(connection, envelope, ex);
            return default;
        }

        if (result.IsCompletedSuccessfully)
        {
            Reply(connection, envelope, result.Result);
            return default;
        }

        return AwaitHandlerAsync(connection, envelope, result);
    }

    private async ValueTask AwaitHandlerAsync(IWsConnection connection, WsEnvelope envelope, ValueTask<object?> handler)
    {
        object? reply;
        try
        {
            reply = await handler.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            HandlerFailed(connection, envelope, ex);
            return;
        }

        Reply(connection, envelope, reply);
    }

    /// <summary>A request (with an id) gets its reply; a fire-and-forget message with an id gets an empty one.</summary>
    private void Reply(IWsConnection connection, in WsEnvelope envelope, object? reply)
    {
        if (envelope.Id is null)
        {
            return;
        }

        // Written into the thread's pooled buffer and queued from there as UTF-8: no string.
        var buffer = PooledByteWriter.Rent();
        try
        {
            try
            {
                _settings.JsonSerializer.WriteMessage(buffer, envelope.Type, envelope.Id, reply);
            }
            catch (Exception ex)
            {
                // A reply that cannot be serialized is the handler's failure, not the connection's.
                HandlerFailed(connection, envelope, ex);
                return;
            }

            _host.SendText(connection, buffer.Written);
        }
        finally
        {
            PooledByteWriter.Return(buffer);
        }
    }

    private ValueTask Unrouted(IWsConnection connection, WsMessage message, in WsEnvelope envelope, string code, string error)
    {
        if (_settings.UnroutedTextToOnMessage)
        {
            return _host.RaiseMessageAsync(connection, message);
        }

        Fail(connection, envelope, code, error, inner: null);
        return default;
    }

    private void HandlerFailed(IWsConnection connection, in WsEnvelope envelope, Exception ex)
    {
        // A handler that gave up because its connection is closing (it awaited conn.Closed):
        // control flow, not a failure, and there is no one left to answer.
        if (ex is OperationCanceledException && connection.State != WsConnectionState.Open)
        {
            RoutingLog.HandlerCancelled(_logger, connection.Id, envelope.Type);
            return;
        }

        if (ex is WsReplyException reply)
        {
            // An answer the application chose, not an error: no routing error is counted.
            RoutingLog.ReplyError(_logger, connection.Id, reply.Code, envelope.Type, reply.Message);
            Answer(connection, envelope, reply.Code, reply.Message);
            return;
        }

        RoutingLog.HandlerFailed(_logger, connection.Id, envelope.Type, ex);
        _metrics?.RoutingError(WsRoutingErrors.HandlerError);
        string text = _settings.ShowExceptionDetails ? ex.Message : "The handler failed.";
        Answer(connection, envelope, WsRoutingErrors.HandlerError, text);
        _host.RaiseError(connection, new WsRoutingException(WsRoutingErrors.HandlerError, envelope.Type, ex.Message, ex));
    }

    /// <summary>Logs, raises OnError, and answers when the client can tell what the answer is for.</summary>
    private void Fail(IWsConnection connection, in WsEnvelope envelope, string code, string message, Exception? inner)
    {
        RoutingLog.RouteError(_logger, connection.Id, code, envelope.Type ?? string.Empty, message);
        _metrics?.RoutingError(code);
        Answer(connection, envelope, code, message);

        // Logged above at its level (Debug for what the client sent wrong): OnError only, no Error line.
        _host.RaiseError(connection, new WsRoutingException(code, envelope.Type ?? string.Empty, message, inner));
    }

    // A message that is not JSON or not an envelope is always answered: the client could not
    // have meant it as fire-and-forget. Other errors are answered when the message had an id.
    private void Answer(IWsConnection connection, in WsEnvelope envelope, string code, string message)
    {
        bool unreadable = code is WsRoutingErrors.InvalidJson or WsRoutingErrors.InvalidEnvelope;
        if (!unreadable && envelope.Id is null)
        {
            return;
        }

        var buffer = PooledByteWriter.Rent();
        try
        {
            _settings.JsonSerializer.WriteError(buffer, envelope.Id, code, message);
            _host.SendText(connection, buffer.Written);
        }
        finally
        {
            PooledByteWriter.Return(buffer);
        }
    }
}
