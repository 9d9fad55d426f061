namespace EmbedWs;

// Scale-out: the backplane that links this server to the other nodes of a cluster.
public sealed partial class WsServerOptions
{
    private IWsBackplane? _backplane;

    /// <summary>
    /// Links this server to the other servers (nodes) of a cluster: broadcasts, group sends,
    /// <see cref="WsServer.SendTo(string, string)"/> and <see cref="WsServer.CloseConnection"/>
    /// then reach connections on every node (docs/scale-out.md). Null (the default): the
    /// server is alone, and sends cost nothing more. One backplane object per server.
    /// </summary>
    public IWsBackplane? Backplane
    {
        get => _backplane;
        set => Set(ref _backplane, value);
    }
}
