namespace EmbedWs.Samples.GameLoop;

/// <summary>The data of <c>move</c> (fire and forget): the velocity asked for, in units per second; <c>{0,0}</c> stops.</summary>
/// <param name="Dx">Along x (right).</param>
/// <param name="Dy">Along y (down).</param>
public sealed record MoveInput(double Dx, double Dy);

/// <summary>The data of a <c>hello</c> request: the name to show.</summary>
/// <param name="Name">The name asked for; null or blank keeps <c>player{id}</c>.</param>
public sealed record HelloRequest(string? Name);

/// <summary>The reply to <c>hello</c>: who you are, and which thread ran the handler.</summary>
/// <param name="Id">Your player id (your connection's id).</param>
/// <param name="Name">Your name as the server keeps it (cleaned and cut).</param>
/// <param name="Thread">The name of the thread that ran the handler: "game-loop".</param>
public sealed record HelloReply(long Id, string Name, string Thread);
