using System;

namespace EmbedWs;

/// <summary>
/// How one message is queued for a client that reads slower than the server sends: the delivery
/// class of a send. <see cref="Reliable"/> (the default, what every send without one uses),
/// <see cref="Droppable"/> or <see cref="Latest(string)"/> (or <see cref="Latest(long)"/>). See docs/sending.md, "Delivery classes".
/// </summary>
/// <remarks>
/// Order: the messages a client receives are the messages sent to it, in the order they were
/// sent, less the droppable ones that were not queued and the latest-by-key ones that a newer
/// message with the same key replaced while they still waited in the queue. A replacing message
/// takes its place at the end of the queue, behind everything sent before it.
/// </remarks>
public readonly struct WsDelivery
{
    // A numeric key is kept apart from the string one (Key null, _hasNumber set), so keying by an
    // entity id allocates nothing: neither a string per send nor a box in the queue's key table.
    private readonly long _number;
    private readonly bool _hasNumber;

    private WsDelivery(WsDeliveryKind kind, string? key)
    {
        Kind = kind;
        Key = key;
    }

    private WsDelivery(long key)
    {
        Kind = WsDeliveryKind.Latest;
        _number = key;
        _hasNumber = true;
    }

    /// <summary>
    /// Always queued (the default): when a client does not read and a send would pass
    /// <c>MaxSendQueueBytes</c>, the connection is closed with 1008 (slow consumer).
    /// </summary>
    public static WsDelivery Reliable => default;

    /// <summary>
    /// Not queued while the connection is congested (its queued bytes above
    /// <c>SendQueueSoftLimitBytes</c>), nor when it would pass <c>MaxSendQueueBytes</c>: the send
    /// returns false, the drop is counted, and the connection stays open. For updates a client
    /// can miss: cursor moves, typing notices, frequent telemetry.
    /// </summary>
    public static WsDelivery Droppable => new(WsDeliveryKind.Droppable, null);

    /// <summary>
    /// Latest by key: a message that replaces the older message with the same key still waiting in
    /// the connection's queue (one not yet handed to the socket); a slow client gets the newest
    /// value per key and stays connected. For state: a player's position, a score, a gauge.
    /// </summary>
    /// <param name="key">
    /// What the message is the state of, e.g. <c>pos:42</c>; compared ordinally, per connection.
    /// At most <see cref="MaxKeyLength"/> chars; empty is a key like any other.
    /// </param>
    /// <exception cref="ArgumentException">The key is longer than <see cref="MaxKeyLength"/>.</exception>
    public static WsDelivery Latest(string key)
    {
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        // Bounded so that a key always fits a backplane message (at most 768 bytes of UTF-8):
        // a key the cluster could not carry is refused here, on every node alike, rather than
        // clipped (two keys clipped alike would replace each other's messages).
        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"A latest-by-key key is at most {MaxKeyLength} chars; this one has {key.Length}.", nameof(key));
        }

        return new WsDelivery(WsDeliveryKind.Latest, key);
    }

    /// <summary>The longest key <see cref="Latest(string)"/> takes, in UTF-16 chars (256).</summary>
    public const int MaxKeyLength = 256;
    /// <summary>
    /// Latest by key, keyed by a number (an entity or player id) instead of a string: the same as
    /// <see cref="Latest(string)"/>, without building a key string per send. Numeric keys and string
    /// keys never match each other: <c>Latest(42)</c> does not replace <c>Latest("42")</c>.
    /// </summary>
    /// <param name="key">What the message is the state of, e.g. an entity id; per connection.</param>
    public static WsDelivery Latest(long key) => new(key);

    /// <summary>The delivery class.</summary>
    public WsDeliveryKind Kind { get; }

    /// <summary>The string key of a <see cref="WsDeliveryKind.Latest"/> message; null for the others and for a numeric key.</summary>
    public string? Key { get; }

    /// <summary>The numeric key of a message made by <see cref="Latest(long)"/>; null for the others.</summary>
    public long? NumericKey => _hasNumber ? _number : null;

    /// <summary>True for <see cref="Reliable"/>.</summary>
    public bool IsReliable => Kind == WsDeliveryKind.Reliable;

    /// <summary>The class, and the key of a latest-by-key message.</summary>
    public override string ToString() => Kind != WsDeliveryKind.Latest ? Kind.ToString() : _hasNumber ? $"Latest({_number}L)" : $"Latest({Key})";
}

/// <summary>The delivery classes of <see cref="WsDelivery"/>.</summary>
public enum WsDeliveryKind
{
    /// <summary>Always queued; a client that cannot keep up is closed as a slow consumer.</summary>
    Reliable,

    /// <summary>Not queued while the connection is congested; counted as dropped.</summary>
    Droppable,

    /// <summary>Replaces the older message with the same key still waiting in the queue.</summary>
    Latest,
}
