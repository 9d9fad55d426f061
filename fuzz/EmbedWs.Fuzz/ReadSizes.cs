namespace EmbedWs.Fuzz;

/// <summary>
/// Read sizes from one byte: 0 reads everything at once; otherwise the low 6 bits + 1 are
/// the size (times 64 with bit 7), fixed, or with bit 6 a pseudo-random size up to it.
/// </summary>
internal struct ReadSizes
{
    private readonly int _max;
    private readonly bool _vary;
    private uint _state;

    public ReadSizes(byte selector)
    {
        _max = selector == 0 ? int.MaxValue : ((selector & 0x3F) + 1) * ((selector & 0x80) != 0 ? 64 : 1);
        _vary = (selector & 0x40) != 0;
        _state = selector | 0x9E3779B9u;
    }

    public int Next()
    {
        if (!_vary)
        {
            return _max;
        }

        // xorshift32: the same selector gives the same reads, so a crash replays.
        _state ^= _state << 13;
        _state ^= _state >> 17;
        _state ^= _state << 5;
        return 1 + (int)(_state % (uint)_max);
    }
}
