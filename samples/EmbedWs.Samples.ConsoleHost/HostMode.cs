namespace EmbedWs.Samples.ConsoleHost;

/// <summary>What the console host does with the messages it receives.</summary>
public enum HostMode
{
    /// <summary>A chat over JSON routing: nicknames, rooms, messages to the room (see ChatRoutes).</summary>
    Chat,

    /// <summary>Each message goes back to its sender only: text as text, binary as binary.</summary>
    Echo,

    /// <summary>Each message goes to every client, sender included, unchanged.</summary>
    Broadcast,
}
