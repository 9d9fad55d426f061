namespace EmbedWs.Samples.ConsoleHost;

/// <summary>What the console host does with the messages it receives.</summary>
public enum HostMode
{
    /// <summary>Each text message goes to every client as "#id: text", with join and leave notices.</summary>
    Chat,

    /// <summary>Each message goes back to its sender only: text as text, binary as binary.</summary>
    Echo,

    /// <summary>Each message goes to every client, sender included, unchanged.</summary>
    Broadcast,
}
