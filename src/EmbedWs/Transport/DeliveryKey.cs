using System;

namespace EmbedWs.Transport;

/// <summary>
/// The key of a latest-by-key frame in the send queue: a string (ordinal) or, when
/// <see cref="Text"/> is null, a number. A struct that implements <see cref="IEquatable{T}"/>,
/// so the queue's <c>Dictionary</c> compares and hashes it without boxing.
/// </summary>
internal readonly struct DeliveryKey : IEquatable<DeliveryKey>
{
    public DeliveryKey(string? text, long number)
    {
        Text = text;
        Number = text is null ? number : 0;
    }

    /// <summary>The key of a latest-by-key <paramref name="delivery"/>, as the queue compares it.</summary>
    public static DeliveryKey Of(in WsDelivery delivery) => new(delivery.Key, delivery.NumericKey.GetValueOrDefault());

    /// <summary>The string key; null for a numeric key.</summary>
    public string? Text { get; }

    /// <summary>The numeric key; 0 for a string key.</summary>
    public long Number { get; }

    public bool Equals(DeliveryKey other) =>
        Text is null ? other.Text is null && Number == other.Number : string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is DeliveryKey other && Equals(other);

    // string.GetHashCode is ordinal; a numeric key hashes as its long.
    public override int GetHashCode() => Text?.GetHashCode() ?? Number.GetHashCode();
}
