namespace EmbedWs.Samples.AspNetCore;

/// <summary>
/// What the sample's WebSockets do: /echo sends every message back to its sender (text as text,
/// binary as binary); /chat joins the "chat" group and sends each text to everyone there, with
/// the signed-in name (ASP.NET Core's user, seen by EmbedWs as <see cref="WsConnectionInfo.User"/>).
/// </summary>
internal static class SampleSockets
{
    public const string ChatGroup = "chat";

    public static void Wire(WsServer server)
    {
        server.OnConnect += connection =>
        {
            if (IsChat(connection))
            {
                server.Groups.Add(connection, ChatGroup);
                server.Groups.Send(ChatGroup, $"* {NameOf(connection)} joined");
            }
        };
        server.OnMessage += (connection, message) =>
        {
            if (!IsChat(connection))
            {
                // /echo: the conformance endpoint.
                if (message.IsText)
                {
                    connection.Send(message.Text);
                }
                else
                {
                    connection.Send(message.Data);
                }
            }
            else if (message.IsText)
            {
                server.Groups.Send(ChatGroup, $"{NameOf(connection)}: {message.Text}");
            }
        };
        server.OnClose += (connection, _) =>
        {
            if (IsChat(connection))
            {
                server.Groups.Send(ChatGroup, $"* {NameOf(connection)} left");
            }
        };
    }

    private static bool IsChat(IWsConnection connection) => connection.Info.Path == "/chat";

    private static string NameOf(IWsConnection connection) =>
        connection.Info.User?.Identity?.IsAuthenticated == true ? connection.Info.User.Identity.Name ?? "?" : $"guest{connection.Id}";
}
