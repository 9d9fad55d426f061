using System.Collections.Generic;
using System.Net;
using System.Threading;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Transport;

/// <summary>The slot counting behind MaxConnections and MaxConnectionsPerAddress.</summary>
public class ConnectionLimiterTests
{
    private static readonly IPAddress s_a = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress s_b = IPAddress.Parse("192.0.2.2");

    [Test]
    public void TryAcquire_UpToMax_ThenServerFull()
    {
        var limiter = new ConnectionLimiter(maxConnections: 2, maxPerAddress: 0);

        Assert.That(limiter.TryAcquire(s_a, out var first), Is.EqualTo(ConnectionAdmission.Admitted));
        Assert.That(limiter.TryAcquire(s_b, out _), Is.EqualTo(ConnectionAdmission.Admitted));
        Assert.That(limiter.TryAcquire(s_a, out var refused), Is.EqualTo(ConnectionAdmission.ServerFull));
        Assert.That(refused, Is.Null);
        Assert.That(limiter.Count, Is.EqualTo(2));

        first!.Release();
        Assert.That(limiter.TryAcquire(s_a, out _), Is.EqualTo(ConnectionAdmission.Admitted));
    }

    [Test]
    public void Release_Twice_GivesTheSlotBackOnce()
    {
        var limiter = new ConnectionLimiter(maxConnections: 2, maxPerAddress: 2);
        limiter.TryAcquire(s_a, out var lease);
        limiter.TryAcquire(s_a, out _);

        lease!.Release();
        lease.Release();

        Assert.That(limiter.Count, Is.EqualTo(1));
        Assert.That(limiter.CountOf(s_a), Is.EqualTo(1));
        Assert.That(limiter.TryAcquire(s_a, out _), Is.EqualTo(ConnectionAdmission.Admitted));
        Assert.That(limiter.TryAcquire(s_a, out _), Is.EqualTo(ConnectionAdmission.ServerFull));
    }

    [Test]
    public void TryAcquire_PerAddress_EachAddressHasItsOwnLimit()
    {
        var limiter = new ConnectionLimiter(maxConnections: 0, maxPerAddress: 2);

        Assert.That(limiter.TryAcquire(s_a, out _), Is.EqualTo(ConnectionAdmission.Admitted));
        Assert.That(limiter.TryAcquire(s_a, out var second), Is.EqualTo(ConnectionAdmission.Admitted));
        Assert.That(limiter.TryAcquire(s_a, out _), Is.EqualTo(ConnectionAdmission.AddressFull));
        Assert.That(limiter.TryAcquire(s_b, out _), Is.EqualTo(ConnectionAdmission.Admitted));
        Assert.That(limiter.Count, Is.EqualTo(3), "a refusal takes no slot");

        second!.Release();
        Assert.That(limiter.TryAcquire(s_a, out _), Is.EqualTo(ConnectionAdmission.Admitted));
    }

    [Test]
    public void Release_LastOfAnAddress_RemovesItsEntry()
    {
        var limiter = new ConnectionLimiter(maxConnections: 0, maxPerAddress: 1);
        limiter.TryAcquire(s_a, out var lease);

        lease!.Release();

        Assert.That(limiter.CountOf(s_a), Is.Zero);
        Assert.That(limiter.Count, Is.Zero);
    }

    [Test]
    public void KeyOf_Ipv4MappedIpv6_IsTheIpv4Address()
    {
        var limiter = new ConnectionLimiter(maxConnections: 0, maxPerAddress: 1);

        limiter.TryAcquire(s_a, out _);

        Assert.That(ConnectionLimiter.KeyOf(s_a.MapToIPv6()), Is.EqualTo(s_a));
        Assert.That(limiter.TryAcquire(s_a.MapToIPv6(), out _), Is.EqualTo(ConnectionAdmission.AddressFull));
    }

    [Test]
    public void KeyOf_Ipv6_IsItsSlash64Prefix()
    {
        var limiter = new ConnectionLimiter(maxConnections: 0, maxPerAddress: 1);

        limiter.TryAcquire(IPAddress.Parse("2001:db8:1:2::1"), out _);

        Assert.That(ConnectionLimiter.KeyOf(IPAddress.Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")), Is.EqualTo(IPAddress.Parse("2001:db8:1:2::")));
        Assert.That(limiter.TryAcquire(IPAddress.Parse("2001:db8:1:2::ffff"), out _), Is.EqualTo(ConnectionAdmission.AddressFull));
        Assert.That(limiter.TryAcquire(IPAddress.Parse("2001:db8:1:3::1"), out _), Is.EqualTo(ConnectionAdmission.Admitted));
    }

    [Test]
    public void TryAcquire_NoLimits_AdmitsEveryoneAndStillCounts()
    {
        var limiter = new ConnectionLimiter(maxConnections: 0, maxPerAddress: 0);

        for (int i = 0; i < 1000; i++)
        {
            Assert.That(limiter.TryAcquire(s_a, out _), Is.EqualTo(ConnectionAdmission.Admitted));
        }

        Assert.That(limiter.Count, Is.EqualTo(1000));
    }

    [Test]
    public void TryAcquire_ManyThreadsAtTheLimit_NeverAdmitMoreThanMax()
    {
        var limiter = new ConnectionLimiter(maxConnections: 50, maxPerAddress: 20);
        var addresses = new[] { s_a, s_b, IPAddress.Parse("192.0.2.3"), IPAddress.Parse("192.0.2.4") };
        int admitted = 0;
        var leases = new System.Collections.Concurrent.ConcurrentBag<ConnectionLease>();

        Parallel.For(0, 400, i =>
        {
            if (limiter.TryAcquire(addresses[i % addresses.Length], out var lease) == ConnectionAdmission.Admitted)
            {
                Interlocked.Increment(ref admitted);
                leases.Add(lease!);
            }
        });

        Assert.That(admitted, Is.EqualTo(50));
        Assert.That(limiter.Count, Is.EqualTo(50));
        foreach (var address in addresses)
        {
            Assert.That(limiter.CountOf(address), Is.LessThanOrEqualTo(20));
        }

        Parallel.ForEach(leases, l => l.Release());
        Assert.That(limiter.Count, Is.Zero);
        Assert.That(addresses, Has.All.Matches<IPAddress>(a => limiter.CountOf(a!) == 0));
    }
}
