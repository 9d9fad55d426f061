using System.Buffers;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using static EmbedWs.Fuzz.InvariantException;

namespace EmbedWs.Fuzz;

/// <summary>
/// An ArrayPool that checks how it is used: no rent above a cap, no return of an array it did
/// not hand out or got back already, and (<see cref="CheckAllReturned"/>) nothing kept after
/// Dispose. Returned arrays are overwritten so that a payload still pointing at one shows.
/// </summary>
internal sealed class TrackingPool : ArrayPool<byte>
{
    private readonly HashSet<byte[]> _rented = new(ReferenceEqualityComparer.Instance);
    private readonly int _maxRent;

    public TrackingPool(int maxRent) => _maxRent = maxRent;

    public override byte[] Rent(int minimumLength)
    {
        Check(minimumLength > 0 && minimumLength <= _maxRent, $"rent of {minimumLength} bytes with a cap of {_maxRent}");
        var array = new byte[minimumLength];
        _rented.Add(array);
        return array;
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        Check(_rented.Remove(array), "an array returned twice, or one the pool did not rent");
        array.AsSpan().Fill(0xDD);
    }

    public void CheckAllReturned() => Check(_rented.Count == 0, $"{_rented.Count} pooled array(s) kept after Dispose");
}
