namespace EmbedWs.Transport;

/// <summary>Where a connection is in its life.</summary>
public enum WsConnectionState
{
    /// <summary>Messages flow both ways.</summary>
    Open,
    /// <summary>A close frame was sent or received; no more data is sent.</summary>
    Closing,
    /// <summary>The socket is closed and OnClose has been raised.</summary>
    Closed,
}
