using System;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Protocol;
using EmbedWs.Transport;

namespace EmbedWs.Dashboard;

/// <summary>
/// One dashboard page's WebSocket: the handler of its transport connection's events, in place of
/// a user connection. It raises no user event and is in no table, group or metric of the
/// server; it hands its commands to the <see cref="DashboardHub"/>.
/// </summary>
internal sealed class DashboardViewer : IConnectionHandler
{
    private readonly DashboardHub _hub;
    private DashboardView _view = DashboardView.Default;
    private int _described;

    public DashboardViewer(DashboardHub hub, WsConnection connection)
    {
        _hub = hub;
        Connection = connection;
    }

    public WsConnection Connection { get; }

    /// <summary>The table's order, filter and page this viewer asked for.</summary>
    public DashboardView View
    {
        get => Volatile.Read(ref _view);
        set => Volatile.Write(ref _view, value);
    }

    /// <summary>True once, for the first update: that one carries the charts' names and history.</summary>
    public bool TakeFirst() => Interlocked.Exchange(ref _described, 1) == 0;

    /// <summary>Queues a text message; false when it was not queued (the connection is closing).</summary>
    public bool Send(string json) => Connection.Send(OutgoingFrame.Text(json.AsSpan()));

    ValueTask IConnectionHandler.OnOpenedAsync()
    {
        _hub.Add(this);
        return default;
    }

    ValueTask IConnectionHandler.OnMessageAsync(WsMessage message)
    {
        _hub.Command(this, message);
        return default;
    }

    void IConnectionHandler.OnPong(ReadOnlySpan<byte> payload)
    {
    }

    ValueTask IConnectionHandler.OnClosedAsync(WsCloseInfo close)
    {
        _hub.Remove(this, close);
        return default;
    }
}
