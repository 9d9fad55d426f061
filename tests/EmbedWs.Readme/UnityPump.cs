using EmbedWs;

namespace Snippets;

#region snippet
public class WsHost : MonoBehaviour
{
    private WsServer _server = null!;

    private void Start()
    {
        _server = new WsServer(new WsServerOptions { Url = "ws://0.0.0.0:8080", Dispatch = EventDispatch.Queued });
        _server.OnMessage += (conn, msg) => conn.Send(msg.Text);   // runs inside Update, on the main thread
        _ = _server.StartAsync();
    }

    private void Update() => _server.PumpEvents(TimeSpan.FromMilliseconds(2));   // at most ~2 ms a frame

    private void OnApplicationQuit()
    {
        _server.Stop(TimeSpan.FromSeconds(1));   // clients get 1001; returns within about 2 s
        _server.PumpEvents();                    // their OnClose handlers
    }
}
#endregion

/// <summary>Stands for UnityEngine.MonoBehaviour, so the page's Unity code compiles here.</summary>
public class MonoBehaviour
{
}
