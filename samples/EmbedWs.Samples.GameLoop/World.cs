using System;
using System.Collections.Generic;

namespace EmbedWs.Samples.GameLoop;

/// <summary>
/// The game: players on a square field, each moving at the velocity its client last asked for,
/// advanced once per tick. Not thread-safe, on purpose: only the game-loop thread touches it.
/// The network handlers may change it directly because the server's dispatch is Queued and the
/// loop runs them inside <c>PumpEvents</c>, between two steps.
/// </summary>
public sealed class World
{
    /// <summary>The field is <c>0..Size</c> on both axes.</summary>
    public const double Size = 100;

    /// <summary>The fastest a player moves, in field units per second (a move asking more is scaled down).</summary>
    public const double MaxSpeed = 40;

    /// <summary>Longer names are cut to this many characters.</summary>
    public const int MaxNameLength = 24;

    private readonly Dictionary<long, Player> _players = new();
    private readonly Random _random;
    private readonly double _secondsPerTick;

    /// <summary>Creates an empty world at tick 0.</summary>
    /// <param name="tickRate">Steps per second; a velocity moves a player by velocity / tickRate per step.</param>
    /// <param name="seed">Seeds the spawn positions (tests); null for a random seed.</param>
    public World(int tickRate, int? seed = null)
    {
        if (tickRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tickRate), tickRate, "The tick rate must be positive.");
        }

        _secondsPerTick = 1.0 / tickRate;
        _random = seed is { } s ? new Random(s) : new Random();
    }

    /// <summary>The number of steps taken so far.</summary>
    public long Tick { get; private set; }

    /// <summary>The number of players in the world.</summary>
    public int PlayerCount => _players.Count;

    /// <summary>Adds a standing player at a random position, named <c>player{id}</c>.</summary>
    /// <param name="id">The player's id (the connection id).</param>
    public PlayerState Spawn(long id) => Spawn(id, _random.NextDouble() * Size, _random.NextDouble() * Size);

    /// <summary>Adds a standing player at a given position (kept on the field), named <c>player{id}</c>.</summary>
    /// <param name="id">The player's id; one that is already in the world throws.</param>
    /// <param name="x">Position along x.</param>
    /// <param name="y">Position along y.</param>
    public PlayerState Spawn(long id, double x, double y)
    {
        var player = new Player(id, $"player{id}", Math.Clamp(x, 0, Size), Math.Clamp(y, 0, Size));
        _players.Add(id, player);
        return player.ToState();
    }

    /// <summary>Removes a player; false when there was none with this id.</summary>
    /// <param name="id">The player's id.</param>
    public bool Remove(long id) => _players.Remove(id);

    /// <summary>The player's current state, or null when there is none with this id.</summary>
    /// <param name="id">The player's id.</param>
    public PlayerState? Find(long id) => _players.TryGetValue(id, out var p) ? p.ToState() : null;

    /// <summary>
    /// Sets a player's velocity in units per second. A velocity faster than <see cref="MaxSpeed"/>
    /// keeps its direction at that speed; a component that is not a finite number counts as 0.
    /// Returns false when there is no such player.
    /// </summary>
    /// <param name="id">The player's id.</param>
    /// <param name="dx">Units per second along x (right).</param>
    /// <param name="dy">Units per second along y (down).</param>
    public bool SetVelocity(long id, double dx, double dy)
    {
        if (!_players.TryGetValue(id, out var player))
        {
            return false;
        }

        dx = double.IsFinite(dx) ? dx : 0;
        dy = double.IsFinite(dy) ? dy : 0;
        double speed = Math.Sqrt((dx * dx) + (dy * dy));
        if (speed > MaxSpeed)
        {
            dx *= MaxSpeed / speed;
            dy *= MaxSpeed / speed;
        }

        player.Vx = dx;
        player.Vy = dy;
        return true;
    }

    /// <summary>
    /// Renames a player: control characters dropped, trimmed, cut to <see cref="MaxNameLength"/>.
    /// A name that is empty after that keeps the old one. Returns the player's name, or null when
    /// there is no such player.
    /// </summary>
    /// <param name="id">The player's id.</param>
    /// <param name="name">The name asked for; null keeps the old one.</param>
    public string? Rename(long id, string? name)
    {
        if (!_players.TryGetValue(id, out var player))
        {
            return null;
        }

        string clean = Clean(name);
        if (clean.Length > 0)
        {
            player.Name = clean;
        }

        return player.Name;
    }

    /// <summary>Advances one tick: every player moves by its velocity, then stays on the field.</summary>
    public void Step()
    {
        Tick++;
        foreach (var p in _players.Values)
        {
            p.X = Math.Clamp(p.X + (p.Vx * _secondsPerTick), 0, Size);
            p.Y = Math.Clamp(p.Y + (p.Vy * _secondsPerTick), 0, Size);
        }
    }

    /// <summary>The state to send to clients: the tick and every player, positions to two decimals.</summary>
    public WorldState Snapshot()
    {
        var players = new List<PlayerState>(_players.Count);
        foreach (var p in _players.Values)
        {
            players.Add(p.ToState());
        }

        return new WorldState(Tick, players);
    }

    private static string Clean(string? name)
    {
        if (name is null)
        {
            return string.Empty;
        }

        var chars = new List<char>(Math.Min(name.Length, MaxNameLength * 2));
        foreach (char c in name)
        {
            if (!char.IsControl(c))
            {
                chars.Add(c);
            }
        }

        string clean = new string(chars.ToArray()).Trim();
        return clean.Length <= MaxNameLength ? clean : clean.Substring(0, MaxNameLength).TrimEnd();
    }

    private sealed class Player
    {
        public Player(long id, string name, double x, double y)
        {
            Id = id;
            Name = name;
            X = x;
            Y = y;
        }

        public long Id { get; }

        public string Name { get; set; }

        public double X { get; set; }

        public double Y { get; set; }

        public double Vx { get; set; }

        public double Vy { get; set; }

        public PlayerState ToState() => new(Id, Name, Math.Round(X, 2), Math.Round(Y, 2));
    }
}

/// <summary>One player as clients see it: <c>{"id":..,"name":..,"x":..,"y":..}</c>.</summary>
/// <param name="Id">The player's id (its connection's id).</param>
/// <param name="Name">The display name.</param>
/// <param name="X">Position along x, 0 to <see cref="World.Size"/>.</param>
/// <param name="Y">Position along y, 0 to <see cref="World.Size"/>.</param>
public sealed record PlayerState(long Id, string Name, double X, double Y);

/// <summary>The data of each <c>world</c> broadcast: <c>{"tick":N,"players":[...]}</c>.</summary>
/// <param name="Tick">The tick this state is from.</param>
/// <param name="Players">Every player, in no particular order.</param>
public sealed record WorldState(long Tick, IReadOnlyList<PlayerState> Players);
