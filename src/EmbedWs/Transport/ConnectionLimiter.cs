using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace EmbedWs.Transport;

/// <summary>What <see cref="ConnectionLimiter.TryAcquire"/> decided.</summary>
internal enum ConnectionAdmission
{
    /// <summary>A slot was taken: the lease must be released when the connection ends.</summary>
    Admitted,
    /// <summary>MaxConnections connections are open: answer 503.</summary>
    ServerFull,
    /// <summary>MaxConnectionsPerAddress connections are open from this address: answer 429.</summary>
    AddressFull,
}

/// <summary>
/// Counts open connections, in all and per client address, against MaxConnections and
/// MaxConnectionsPerAddress. A slot is taken once a handshake passed its checks and given back
/// through its <see cref="ConnectionLease"/>, exactly once, when the connection ends (or the
/// handshake fails after all). Safe from any thread.
/// </summary>
internal sealed class ConnectionLimiter
{
    private readonly int _maxConnections;
    private readonly int _maxPerAddress;
    private readonly Dictionary<IPAddress, int> _perAddress = new();
    private int _count;

    /// <param name="maxConnections">Open connections at most; 0 for no limit.</param>
    /// <param name="maxPerAddress">Open connections from one address at most; 0 for no limit.</param>
    public ConnectionLimiter(int maxConnections, int maxPerAddress)
    {
        _maxConnections = maxConnections;
        _maxPerAddress = maxPerAddress;
    }

    /// <summary>Slots taken in all (open connections and accepted handshakes).</summary>
    public int Count => Volatile.Read(ref _count);

    public int MaxConnections => _maxConnections;

    public int MaxPerAddress => _maxPerAddress;

    /// <summary>Slots taken by one address (after <see cref="KeyOf"/>); for tests.</summary>
    public int CountOf(IPAddress address)
    {
        lock (_perAddress)
        {
            return _perAddress.TryGetValue(KeyOf(address), out int n) ? n : 0;
        }
    }

    /// <summary>Takes a slot for a client at <paramref name="remote"/>, or says which limit is reached.</summary>
    public ConnectionAdmission TryAcquire(IPAddress? remote, out ConnectionLease? lease)
    {
        lease = null;
        if (_maxConnections > 0)
        {
            if (Interlocked.Increment(ref _count) > _maxConnections)
            {
                Interlocked.Decrement(ref _count);
                return ConnectionAdmission.ServerFull;
            }
        }
        else
        {
            Interlocked.Increment(ref _count);
        }

        IPAddress? key = null;
        if (_maxPerAddress > 0 && remote is not null)
        {
            key = KeyOf(remote);
            lock (_perAddress)
            {
                _perAddress.TryGetValue(key, out int n);
                if (n >= _maxPerAddress)
                {
                    Interlocked.Decrement(ref _count);
                    return ConnectionAdmission.AddressFull;
                }

                _perAddress[key] = n + 1;
            }
        }

        lease = new ConnectionLease(this, key);
        return ConnectionAdmission.Admitted;
    }

    /// <summary>
    /// The address a client is counted under: IPv4 (an IPv4-mapped IPv6 address is its IPv4
    /// address, as dual-stack sockets report IPv4 clients), or the /64 prefix of an IPv6 address,
    /// which is one customer's network as one IPv4 address behind a NAT is.
    /// </summary>
    public static IPAddress KeyOf(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        byte[] bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    internal void Release(IPAddress? key)
    {
        if (key is not null)
        {
            lock (_perAddress)
            {
                // An empty entry is removed, so addresses seen once do not stay in the table.
                if (_perAddress.TryGetValue(key, out int n) && n > 1)
                {
                    _perAddress[key] = n - 1;
                }
                else
                {
                    _perAddress.Remove(key);
                }
            }
        }

        Interlocked.Decrement(ref _count);
    }
}

/// <summary>One taken slot of a <see cref="ConnectionLimiter"/>; <see cref="Release"/> gives it back once, later calls do nothing.</summary>
internal sealed class ConnectionLease
{
    private readonly ConnectionLimiter _limiter;
    private readonly IPAddress? _key;
    private int _released;

    internal ConnectionLease(ConnectionLimiter limiter, IPAddress? key)
    {
        _limiter = limiter;
        _key = key;
    }

    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _limiter.Release(_key);
        }
    }
}
