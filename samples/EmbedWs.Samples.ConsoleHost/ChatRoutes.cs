using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Samples.ConsoleHost;

/// <summary>
/// The chat mode: nicknames and rooms over JSON routing. A room is the group "room:NAME"; the
/// connection's nick and room live in <see cref="IWsConnection.Items"/>.
/// <code>
/// nick.set  {name}  request → {name}, or error invalid_name / name_taken
/// room.join {room}  request → {room}, or error invalid_room; leaves the previous room
/// chat.send {text}  → chat.message {from, room, text} to the room (sender included)
/// room.list         request → {rooms:[{name,count}]}
/// pushed: chat.welcome {name, room} on connect; chat.notice {text} to a room on join, leave, rename
/// </code>
/// Each connection starts as "guest&lt;id&gt;" in "lobby".
/// </summary>
internal sealed class ChatRoutes
{
    public const string DefaultRoom = "lobby";
    private const int MaxNameLength = 24;
    private const int MaxTextLength = 1000;
    private const string NameKey = "chat.name";
    private const string RoomKey = "chat.room";
    private const string GroupPrefix = "room:";

    private static readonly Regex s_name = new(@"^[\p{L}\p{N}_.\-]+$", RegexOptions.CultureInvariant);
    private static readonly Regex s_guest = new(@"^guest\d+$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private readonly WsServer _server;
    private readonly ILogger _log;

    // Nick → connection id, case-insensitive: "Ann" and "ann" are the same person.
    private readonly ConcurrentDictionary<string, long> _names = new(StringComparer.OrdinalIgnoreCase);

    private ChatRoutes(WsServer server, ILogger log)
    {
        _server = server;
        _log = log;
    }

    /// <summary>Registers the chat routes and connection events on <paramref name="server"/>.</summary>
    public static void Map(WsServer server, ILogger log)
    {
        var chat = new ChatRoutes(server, log);
        server.Route<NickSet, NickReply>("nick.set", chat.SetNick);
        server.Route<RoomJoin, RoomJoined>("room.join", chat.Join);
        server.Route<ChatSend>("chat.send", chat.Send);
        server.Route<RoomListRequest, RoomList>("room.list", (_, _) => chat.ListRooms());
        server.OnConnect += chat.Connected;
        server.OnClose += chat.Closed;
    }

    private void Connected(IWsConnection conn)
    {
        // "guest<n>" names are refused by nick.set, so this one is always free.
        string name = "guest" + conn.Id;
        _names[name] = conn.Id;
        conn.Items[NameKey] = name;
        conn.SendJson("chat.welcome", new Welcome(name, DefaultRoom));
        Enter(conn, name, DefaultRoom);
    }

    private void Closed(IWsConnection conn, WsCloseInfo close)
    {
        // The connection has already left its groups; the others in its room hear of it.
        string name = NameOf(conn);
        _names.TryRemove(new KeyValuePair<string, long>(name, conn.Id));
        if (RoomOf(conn) is { } room)
        {
            Notice(room, $"{name} left {room}");
        }
    }

    private NickReply SetNick(IWsConnection conn, NickSet request)
    {
        string name = request.Name?.Trim() ?? string.Empty;
        string old = NameOf(conn);
        if (!IsValidName(name))
        {
            throw new WsReplyException("invalid_name", $"A name is 1 to {MaxNameLength} letters, digits, '_', '-' or '.'.");
        }

        if (name == old)
        {
            return new NickReply(name);
        }

        if (s_guest.IsMatch(name))
        {
            throw new WsReplyException("invalid_name", "Names like guest<number> are kept for new connections.");
        }

        // Same name in another case: keep the registration, just change how it is written.
        bool mine = _names.TryGetValue(name, out long owner) && owner == conn.Id;
        if (!mine && !_names.TryAdd(name, conn.Id))
        {
            throw new WsReplyException("name_taken", $"'{name}' is taken.");
        }

        if (!mine)
        {
            _names.TryRemove(new KeyValuePair<string, long>(old, conn.Id));
        }

        conn.Items[NameKey] = name;
        HostLog.Chat(_log, $"#{conn.Id} {old} is now {name}");
        Notice(RoomOf(conn) ?? DefaultRoom, $"{old} is now {name}");
        return new NickReply(name);
    }

    private RoomJoined Join(IWsConnection conn, RoomJoin request)
    {
        string room = (request.Room?.Trim() ?? string.Empty).ToLowerInvariant();
        if (!IsValidName(room))
        {
            throw new WsReplyException("invalid_room", $"A room is 1 to {MaxNameLength} letters, digits, '_', '-' or '.'.");
        }

        string name = NameOf(conn);
        if (RoomOf(conn) is { } old)
        {
            if (old == room)
            {
                return new RoomJoined(room);
            }

            _server.Groups.Remove(conn, GroupPrefix + old);
            Notice(old, $"{name} left {old}");
        }

        Enter(conn, name, room);
        return new RoomJoined(room);
    }

    private void Send(IWsConnection conn, ChatSend message)
    {
        string text = message.Text?.Trim() ?? string.Empty;
        if (text.Length == 0 || text.Length > MaxTextLength)
        {
            throw new WsReplyException("invalid_text", $"A message is 1 to {MaxTextLength} characters.");
        }

        string name = NameOf(conn);
        string room = RoomOf(conn) ?? DefaultRoom;
        HostLog.Chat(_log, $"#{conn.Id} {name} in {room}: {text}");
        _server.Groups.SendJson(GroupPrefix + room, "chat.message", new ChatMessage(name, room, text));
    }

    private RoomList ListRooms()
    {
        var rooms = _server.Groups.Names
            .Where(g => g.StartsWith(GroupPrefix, StringComparison.Ordinal))
            .Select(g => new RoomInfo(g.Substring(GroupPrefix.Length), _server.Groups.Count(g)))
            .Where(r => r.Count > 0)
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToArray();
        return new RoomList(rooms);
    }

    private void Enter(IWsConnection conn, string name, string room)
    {
        conn.Items[RoomKey] = room;
        _server.Groups.Add(conn, GroupPrefix + room);
        HostLog.Chat(_log, $"#{conn.Id} {name} joined {room}");
        Notice(room, $"{name} joined {room}");
    }

    private void Notice(string room, string text) =>
        _server.Groups.SendJson(GroupPrefix + room, "chat.notice", new ChatNotice(text));

    private static string NameOf(IWsConnection conn) =>
        conn.Items.TryGetValue(NameKey, out var name) && name is string s ? s : "guest" + conn.Id;

    private static string? RoomOf(IWsConnection conn) =>
        conn.Items.TryGetValue(RoomKey, out var room) ? room as string : null;

    private static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength && s_name.IsMatch(name);
}

internal sealed record NickSet(string? Name);

internal sealed record NickReply(string Name);

internal sealed record RoomJoin(string? Room);

internal sealed record RoomJoined(string Room);

internal sealed record ChatSend(string? Text);

internal sealed record ChatMessage(string From, string Room, string Text);

internal sealed record ChatNotice(string Text);

internal sealed record Welcome(string Name, string Room);

internal sealed record RoomListRequest;

internal sealed record RoomInfo(string Name, int Count);

internal sealed record RoomList(IReadOnlyList<RoomInfo> Rooms);
