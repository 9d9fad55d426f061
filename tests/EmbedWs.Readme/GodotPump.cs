using EmbedWs;

namespace Snippets;

#region snippet
public partial class WsNode : Node
{
    private readonly WsServer _server = new(new WsServerOptions { Url = "ws://0.0.0.0:8080", Dispatch = EventDispatch.Queued });

    public override void _Ready()
    {
        _server.Route<Move, Moved>("player.move", (conn, m) => new Moved(m.X, m.Y, Tick: 1));   // runs in _Process
        _ = _server.StartAsync();
    }

    public override void _Process(double delta) => _server.PumpEvents(TimeSpan.FromMilliseconds(2));

    public override void _ExitTree()
    {
        _server.Stop(TimeSpan.FromSeconds(1));
        _server.PumpEvents();
    }
}
#endregion

/// <summary>Stands for Godot.Node, so the page's Godot code compiles here.</summary>
public partial class Node
{
    public virtual void _Ready()
    {
    }

    public virtual void _Process(double delta)
    {
    }

    public virtual void _ExitTree()
    {
    }
}
