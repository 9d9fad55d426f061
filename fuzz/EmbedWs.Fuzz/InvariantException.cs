namespace EmbedWs.Fuzz;

/// <summary>A result the code under test must never produce; AFL counts it as a crash.</summary>
internal sealed class InvariantException : Exception
{
    public InvariantException(string message)
        : base(message)
    {
    }

    /// <summary>Throws when <paramref name="condition"/> is false.</summary>
    public static void Check(bool condition, string rule)
    {
        if (!condition)
        {
            throw new InvariantException(rule);
        }
    }
}
