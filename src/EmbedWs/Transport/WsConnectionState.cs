namespace EmbedWs;

/// <summary>Where a connection is in its life. It only moves forward, in the order listed (Closed and Aborted are both ends).</summary>
public enum WsConnectionState
{
    /// <summary>The handshake is done; the connection is not open yet (OnConnect has not been raised).</summary>
    Connecting,
    /// <summary>Messages flow both ways.</summary>
    Open,
    /// <summary>The server sent a close frame and waits for the client's; nothing more is sent.</summary>
    CloseSent,
    /// <summary>The client sent a close frame first; the server answered it and ends the connection.</summary>
    CloseReceived,
    /// <summary>The connection ended after a closing handshake; OnClose is raised (or was).</summary>
    Closed,
    /// <summary>The connection ended without a complete closing handshake (aborted, lost, or dropped); OnClose is raised (or was).</summary>
    Aborted,
}
