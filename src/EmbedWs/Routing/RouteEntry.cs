using System;
using System.Threading.Tasks;
using EmbedWs.Transport;

namespace EmbedWs.Routing;

/// <summary>One registered route: the data type it binds and the handler to run.</summary>
internal abstract class RouteEntry
{
    protected RouteEntry(Type dataType) => DataType = dataType;

    public Type DataType { get; }

    /// <summary>True when the handler returns a reply (a request/response route).</summary>
    public abstract bool HasReply { get; }

    /// <summary>Runs the handler; the task's result is the reply (null for fire-and-forget routes).</summary>
    public abstract ValueTask<object?> InvokeAsync(IWsConnection connection, object? data);
}

internal sealed class MessageRoute<T> : RouteEntry
{
    private readonly Func<IWsConnection, T, Task>? _async;
    private readonly Action<IWsConnection, T>? _sync;

    public MessageRoute(Action<IWsConnection, T> handler)
        : base(typeof(T)) => _sync = handler;

    public MessageRoute(Func<IWsConnection, T, Task> handler)
        : base(typeof(T)) => _async = handler;

    public override bool HasReply => false;

    public override ValueTask<object?> InvokeAsync(IWsConnection connection, object? data)
    {
        if (_sync is not null)
        {
            _sync(connection, (T)data!);
            return default;
        }

        var task = _async!(connection, (T)data!);
        return task.Status == TaskStatus.RanToCompletion ? default : Await(task);
    }

    private static async ValueTask<object?> Await(Task task)
    {
        await task.ConfigureAwait(false);
        return null;
    }
}

internal sealed class RequestRoute<TRequest, TReply> : RouteEntry
{
    private readonly Func<IWsConnection, TRequest, Task<TReply>>? _async;
    private readonly Func<IWsConnection, TRequest, TReply>? _sync;

    public RequestRoute(Func<IWsConnection, TRequest, TReply> handler)
        : base(typeof(TRequest)) => _sync = handler;

    public RequestRoute(Func<IWsConnection, TRequest, Task<TReply>> handler)
        : base(typeof(TRequest)) => _async = handler;

    public override bool HasReply => true;

    public override ValueTask<object?> InvokeAsync(IWsConnection connection, object? data)
    {
        if (_sync is not null)
        {
            return new ValueTask<object?>(_sync(connection, (TRequest)data!));
        }

        var task = _async!(connection, (TRequest)data!);
        return task.Status == TaskStatus.RanToCompletion ? new ValueTask<object?>(task.Result) : Await(task);
    }

    private static async ValueTask<object?> Await(Task<TReply> task) => await task.ConfigureAwait(false);
}
