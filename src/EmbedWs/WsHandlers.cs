using System;
using System.Threading;
using System.Threading.Tasks;

namespace EmbedWs;

/// <summary>
/// The handlers of one server event with one argument (<see cref="WsServer.OnConnect"/>). Add a
/// handler with <c>+=</c> and remove it with <c>-=</c>, like an event. A handler may be
/// synchronous (<c>conn =&gt; ...</c>) or asynchronous (<c>async conn =&gt; ...</c>, or any
/// lambda that returns a <see cref="Task"/>): asynchronous handlers are awaited, and the
/// connection's next event waits for them. Several handlers run one after the other, in the
/// order they were added. Safe to change from any thread.
/// </summary>
/// <typeparam name="T">The event's argument.</typeparam>
public sealed class WsHandlers<T>
{
    private Handler<T, object?>[] _handlers = Array.Empty<Handler<T, object?>>();

    internal WsHandlers()
    {
    }

    internal bool IsEmpty => Volatile.Read(ref _handlers).Length == 0;

    /// <summary>Adds a synchronous handler.</summary>
    /// <param name="handlers">The event's handlers.</param>
    /// <param name="handler">The handler.</param>
    public static WsHandlers<T> operator +(WsHandlers<T> handlers, Action<T> handler) =>
        handlers.Change(new Handler<T, object?>(handler ?? throw new ArgumentNullException(nameof(handler)), null), add: true);

    /// <summary>Adds an asynchronous handler; it is awaited.</summary>
    /// <param name="handlers">The event's handlers.</param>
    /// <param name="handler">The handler.</param>
    public static WsHandlers<T> operator +(WsHandlers<T> handlers, Func<T, Task> handler) =>
        handlers.Change(new Handler<T, object?>(null, handler ?? throw new ArgumentNullException(nameof(handler))), add: true);

    /// <summary>Removes a synchronous handler (the last one added that is equal to it).</summary>
    /// <param name="handlers">The event's handlers.</param>
    /// <param name="handler">The handler.</param>
    public static WsHandlers<T> operator -(WsHandlers<T> handlers, Action<T> handler) =>
        handlers.Change(new Handler<T, object?>(handler, null), add: false);

    /// <summary>Removes an asynchronous handler (the last one added that is equal to it).</summary>
    /// <param name="handlers">The event's handlers.</param>
    /// <param name="handler">The handler.</param>
    public static WsHandlers<T> operator -(WsHandlers<T> handlers, Func<T, Task> handler) =>
        handlers.Change(new Handler<T, object?>(null, handler), add: false);

    /// <summary>Runs every handler in order, awaiting the asynchronous ones; reports each failure and goes on. Never throws.</summary>
    internal ValueTask InvokeAsync(T arg, IHandlerFailures failures, string name) =>
        Handler<T, object?>.InvokeAsync(Volatile.Read(ref _handlers), arg, null, failures, name);

    private WsHandlers<T> Change(Handler<T, object?> handler, bool add)
    {
        Handler<T, object?>.Change(ref _handlers, handler, add);
        return this;
    }
}

/// <summary>
/// The handlers of one server event with two arguments (<see cref="WsServer.OnMessage"/>,
/// <see cref="WsServer.OnClose"/>). Add a handler with <c>+=</c> and remove it with <c>-=</c>,
/// like an event. A handler may be synchronous (<c>(conn, msg) =&gt; ...</c>) or asynchronous
/// (<c>async (conn, msg) =&gt; ...</c>, or any lambda that returns a <see cref="Task"/>):
/// asynchronous handlers are awaited, and the connection's next event waits for them. Several
/// handlers run one after the other, in the order they were added. Safe to change from any thread.
/// </summary>
/// <typeparam name="T1">The event's first argument (the connection).</typeparam>
/// <typeparam name="T2">The event's second argument.</typeparam>
public sealed class WsHandlers<T1, T2>
{
    private Handler<T1, T2>[] _handlers = Array.Empty<Handler<T1, T2>>();

    internal WsHandlers()
    {
    }

    internal bool IsEmpty => Volatile.Read(ref _handlers).Length == 0;

    /// <summary>Adds a synchronous handler.</summary>
    /// <param name="handlers">The event's handlers.</param>
    /// <param name="handler">The handler.</param>
    public static WsHandlers<T1, T2> operator +(WsHandlers<T1, T2> handlers, Action<T1, T2> handler) =>
        handlers.Change(new Handler<T1, T2>(handler ?? throw new ArgumentNullException(nameof(handler)), null), add: true);

    /// <summary>Adds an asynchronous handler; it is awaited.</summary>
    /// <param name="handlers">The event's handlers.</param>
    /// <param name="handler">The handler.</param>
    public static WsHandlers<T1, T2> operator +(WsHandlers<T1, T2> handlers, Func<T1, T2, Task> handler) =>
        handlers.Change(new Handler<T1, T2>(null, handler ?? throw new ArgumentNullException(nameof(handler))), add: true);

    /// <summary>Removes a synchronous handler (the last one added that is equal to it).</summary>
    /// <param name="handlers">The event's handlers.</param>
    /// <param name="handler">The handler.</param>
    public static WsHandlers<T1, T2> operator -(WsHandlers<T1, T2> handlers, Action<T1, T2> handler) =>
        handlers.Change(new Handler<T1, T2>(handler, null), add: false);

    /// <summary>Removes an asynchronous handler (the last one added that is equal to it).</summary>
    /// <param name="handlers">The event's handlers.</param>
    /// <param name="handler">The handler.</param>
    public static WsHandlers<T1, T2> operator -(WsHandlers<T1, T2> handlers, Func<T1, T2, Task> handler) =>
        handlers.Change(new Handler<T1, T2>(null, handler), add: false);

    /// <summary>Runs every handler in order, awaiting the asynchronous ones; reports each failure and goes on. Never throws.</summary>
    internal ValueTask InvokeAsync(T1 arg1, T2 arg2, IHandlerFailures failures, string name) =>
        Handler<T1, T2>.InvokeAsync(Volatile.Read(ref _handlers), arg1, arg2, failures, name);

    private WsHandlers<T1, T2> Change(Handler<T1, T2> handler, bool add)
    {
        Handler<T1, T2>.Change(ref _handlers, handler, add);
        return this;
    }
}

/// <summary>Where handler failures are reported (the server: log and OnError).</summary>
internal interface IHandlerFailures
{
    void HandlerFailed(string handler, Exception exception);
}

/// <summary>
/// One handler of <see cref="WsHandlers{T}"/> or <see cref="WsHandlers{T1, T2}"/>: a synchronous
/// or an asynchronous delegate (one-argument handlers are kept as two-argument ones whose second
/// argument is unused), and the one loop that runs a list of them.
/// </summary>
internal readonly struct Handler<T1, T2>
{
    private readonly Delegate? _sync;
    private readonly Delegate? _async;

    public Handler(Delegate? sync, Delegate? async)
    {
        _sync = sync;
        _async = async;
    }

    private bool SameAs(in Handler<T1, T2> other) => Equals(_sync, other._sync) && Equals(_async, other._async);

    /// <summary>Adds or removes <paramref name="handler"/> by copy-on-write, so a running InvokeAsync keeps its list.</summary>
    public static void Change(ref Handler<T1, T2>[] list, Handler<T1, T2> handler, bool add)
    {
        while (true)
        {
            var current = Volatile.Read(ref list);
            Handler<T1, T2>[] next;
            if (add)
            {
                next = new Handler<T1, T2>[current.Length + 1];
                current.CopyTo(next, 0);
                next[current.Length] = handler;
            }
            else
            {
                int at = Array.FindLastIndex(current, h => h.SameAs(handler));
                if (at < 0)
                {
                    return;
                }

                next = new Handler<T1, T2>[current.Length - 1];
                Array.Copy(current, 0, next, 0, at);
                Array.Copy(current, at + 1, next, at, current.Length - at - 1);
            }

            if (Interlocked.CompareExchange(ref list, next, current) == current)
            {
                return;
            }
        }
    }

    public static ValueTask InvokeAsync(Handler<T1, T2>[] handlers, T1 arg1, T2 arg2, IHandlerFailures failures, string name)
    {
        for (int i = 0; i < handlers.Length; i++)
        {
            var pending = handlers[i].Start(arg1, arg2, failures, name);
            if (pending is not null)
            {
                return ContinueAsync(pending, handlers, i + 1, arg1, arg2, failures, name);
            }
        }

        return default;
    }

    /// <summary>Runs the handler; returns its task when it did not complete at once, else null.</summary>
    private Task? Start(T1 arg1, T2 arg2, IHandlerFailures failures, string name)
    {
        try
        {
            switch (_sync)
            {
                case Action<T1, T2> two:
                    two(arg1, arg2);
                    return null;
                case Action<T1> one:
                    one(arg1);
                    return null;
            }

            var task = _async switch
            {
                Func<T1, T2, Task> two => two(arg1, arg2),
                Func<T1, Task> one => one(arg1),
                _ => null,
            };

            // An async handler that did not need to wait costs no await (its task is cached).
            return task is null || task.Status == TaskStatus.RanToCompletion ? null : task;
        }
        catch (Exception ex)
        {
            failures.HandlerFailed(name, ex);
            return null;
        }
    }

    private static async ValueTask ContinueAsync(Task pending, Handler<T1, T2>[] handlers, int next, T1 arg1, T2 arg2, IHandlerFailures failures, string name)
    {
        while (true)
        {
            try
            {
                // The captured context on purpose: with Queued dispatch it is the pump's, so the
                // handlers after this one run on the host's thread too (elsewhere there is none).
                await pending.ConfigureAwait(true);
            }
            catch (Exception ex)
            {
                failures.HandlerFailed(name, ex);
            }

            Task? started = null;
            while (next < handlers.Length && (started = handlers[next++].Start(arg1, arg2, failures, name)) is null)
            {
            }

            if (started is null)
            {
                return;
            }

            pending = started;
        }
    }
}
