using System;
using System.Threading;
using System.Threading.Tasks;
using EmbedWs.Hosting;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Samples.Hosting;

internal sealed record ChatSay(string Text);

internal sealed record ChatMessage(long From, string Text);

internal sealed record StatsRequest;

internal sealed record StatsReply(int Online, long Total);

internal sealed record TimeRequest;

internal sealed record TimeReply(DateTimeOffset Utc);

/// <summary>Who is here: an ordinary singleton service, shared by the routes and the events. Safe from any thread.</summary>
internal sealed partial class Visitors(ILogger<Visitors> logger)
{
    private int _online;
    private long _total;

    public int Online => Volatile.Read(ref _online);

    public long Total => Interlocked.Read(ref _total);

    public int Joined(long id)
    {
        Interlocked.Increment(ref _total);
        int online = Interlocked.Increment(ref _online);
        LogJoined(id, online);
        return online;
    }

    public void Left(long id, int code) => LogLeft(id, code, Interlocked.Decrement(ref _online));

    [LoggerMessage(1, LogLevel.Information, "Visitor {Id} joined; {Online} online")]
    private partial void LogJoined(long id, int online);

    [LoggerMessage(2, LogLevel.Information, "Visitor {Id} left ({Code}); {Online} online")]
    private partial void LogLeft(long id, int code, int online);
}

/// <summary>"chat.say": sends the text to everyone as "chat.message". Takes the server from the container.</summary>
internal sealed class ChatHandler(WsServer server) : IWsRouteHandler<ChatSay>
{
    private const int MaxText = 500;

    public Task HandleAsync(IWsConnection connection, ChatSay message)
    {
        if (string.IsNullOrWhiteSpace(message.Text) || message.Text.Length > MaxText)
        {
            throw new WsReplyException("invalid_text", $"Text must be 1 to {MaxText} characters.");
        }

        server.BroadcastJson("chat.message", new ChatMessage(connection.Id, message.Text));
        return Task.CompletedTask;
    }
}

/// <summary>"stats" request: how many are online, how many came.</summary>
internal sealed class StatsHandler(Visitors visitors) : IWsRouteHandler<StatsRequest, StatsReply>
{
    public Task<StatsReply> HandleAsync(IWsConnection connection, StatsRequest request) =>
        Task.FromResult(new StatsReply(visitors.Online, visitors.Total));
}
