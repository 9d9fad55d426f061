using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Transport;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Routing;

/// <summary>
/// Routes JSON envelopes to typed handlers and answers requests (README "JSON routing").
/// The table is copied on write: lookups take no lock. Safe from any thread.
/// </summary>
internal sealed class WsRouter : ITextMessageHandler
{
    private readonly WsServer _server;
    private readonly ILogger _logger;
    private readonly object _writeLock = new();
    private Dictionary<string, RouteEntry> _routes = new(StringComparer.Ordinal);

    public WsRouter(WsServer server)
    {
        _server = server;
        _logger = server.Options.LoggerFactory.CreateLogger("EmbedWs.Routing");
    }

    public WsRoutingOptions Options { get; } = new();

    public bool HasRoutes => Volatile.Read(ref _routes).Count > 0;

    /// <summary>Registers a route; a type that is already routed is refused here, not at run time.</summary>
    public void Add(string type, RouteEntry entry)
    {
        if (string.IsNullOrEmpty(type))
        {
            throw new ArgumentException("A route needs a type.", nameof(type));
        }

        if (type == "error")
        {
            throw new ArgumentException("\"error\" is the type of error replies and cannot be routed.", nameof(type));
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

    public ValueTask HandleAsync(IWsConnection connection, WsMessage message)
    {
        // Installed by a JSON send helper but with no route yet: text is the application's.
        if (!HasRoutes)
        {
            _server.RaiseMessage(connection, message);
            return default;
        }

        var serializer = Options.Serializer;
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
            Fail(connection, envelope, WsRoutingErrors.InvalidData, $"\"data\" does not fit {route.DataType.Name}: {ex.Message}");
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

        return AwaitHandlerAsync(connection, envelope, result.AsTask());
    }

    /// <summary>Serializes once for any number of sends.</summary>
    public string Serialize(string type, object? data) => Options.Serializer.WriteMessage(type, null, data);

    private async ValueTask AwaitHandlerAsync(IWsConnection connection, WsEnvelope envelope, Task<object?> handler)
    {
        using var timeout = new CancellationTokenSource();
        var finished = await Task.WhenAny(handler, Task.Delay(Options.HandlerTimeout, timeout.Token)).ConfigureAwait(false);
        if (finished != handler)
        {
            Fail(connection, envelope, WsRoutingErrors.HandlerTimeout, $"The handler did not finish within {Options.HandlerTimeout.TotalSeconds:0.###} s.");
            _ = handler.ContinueWith(
                static (t, s) => RoutingLog.LateHandlerFailure(((WsRouter)s!)._logger, t.Exception!),
                this, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return;
        }

        timeout.Cancel();
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

        if (Options.Serializer is NewtonsoftWsSerializer json && connection is WsConnection direct)
        {
            // The default serializer on our own connection: written into a pooled buffer and
            // queued as UTF-8 from there, no string. Same bytes as the path below.
            var buffer = PooledCharWriter.Rent();
            try
            {
                try
                {
                    json.WriteMessage(buffer, envelope.Type, envelope.Id, reply);
                }
                catch (Exception ex)
                {
                    HandlerFailed(connection, envelope, ex);
                    return;
                }

                direct.EnqueueText(buffer.Written);
            }
            finally
            {
                PooledCharWriter.Return(buffer);
            }

            return;
        }

        string text;
        try
        {
            text = Options.Serializer.WriteMessage(envelope.Type, envelope.Id, reply);
        }
        catch (Exception ex)
        {
            // A reply that cannot be serialized is the handler's failure, not the connection's.
            HandlerFailed(connection, envelope, ex);
            return;
        }

        _ = connection.SendAsync(text);
    }

    private ValueTask Unrouted(IWsConnection connection, WsMessage message, in WsEnvelope envelope, string code, string error)
    {
        if (Options.UnroutedTextToOnMessage)
        {
            _server.RaiseMessage(connection, message);
        }
        else
        {
            Fail(connection, envelope, code, error);
        }

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
        _server.Metrics?.RoutingError(WsRoutingErrors.HandlerError);
        string text = Options.ShowExceptionDetails ? ex.Message : "The handler failed.";
        Answer(connection, envelope, WsRoutingErrors.HandlerError, text);
        _server.RaiseError(connection, new WsRoutingException(WsRoutingErrors.HandlerError, envelope.Type, ex.Message, ex));
    }

    /// <summary>Logs, raises OnError, and answers when the client can tell what the answer is for.</summary>
    private void Fail(IWsConnection connection, in WsEnvelope envelope, string code, string message)
    {
        if (code == WsRoutingErrors.HandlerTimeout)
        {
            RoutingLog.HandlerTimedOut(_logger, connection.Id, envelope.Type ?? string.Empty, message);
        }
        else
        {
            RoutingLog.RouteError(_logger, connection.Id, code, envelope.Type ?? string.Empty, message);
        }

        _server.Metrics?.RoutingError(code);
        Answer(connection, envelope, code, message);
        // Logged above at its level (Debug for what the client sent wrong): OnError only, no Error line.
        _server.RaiseError(connection, new WsRoutingException(code, envelope.Type ?? string.Empty, message));
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

        if (Options.Serializer is NewtonsoftWsSerializer && connection is WsConnection direct)
        {
            var buffer = PooledCharWriter.Rent();
            try
            {
                NewtonsoftWsSerializer.WriteError(buffer, envelope.Id, code, message);
                direct.EnqueueText(buffer.Written);
            }
            finally
            {
                PooledCharWriter.Return(buffer);
            }

            return;
        }

        _ = connection.SendAsync(Options.Serializer.WriteError(envelope.Id, code, message));
    }
}
