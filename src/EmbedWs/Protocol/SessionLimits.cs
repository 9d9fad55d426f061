namespace EmbedWs.Protocol;

/// <summary>A server's limits on its connections' protocol, one object shared by every session.</summary>
internal sealed class SessionLimits
{
    /// <param name="maxMessageSize">The largest message, in bytes (1009 beyond).</param>
    /// <param name="maxFragments">The most frames one message may take (1008 beyond).</param>
    /// <param name="readTimeout">How long a message may stay incomplete, in timestamp units; 0 for no limit.</param>
    /// <param name="closeTimeout">How long the closing handshake may take, in timestamp units; 0 for no limit.</param>
    public SessionLimits(int maxMessageSize, int maxFragments, long readTimeout, long closeTimeout)
    {
        MaxMessageSize = maxMessageSize;
        MaxFragments = maxFragments;
        ReadTimeout = readTimeout;
        CloseTimeout = closeTimeout;
    }

    public int MaxMessageSize { get; }

    public int MaxFragments { get; }

    public long ReadTimeout { get; }

    public long CloseTimeout { get; }
}
