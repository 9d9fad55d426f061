using System.Linq;
using System.Net;
using System.Net.Sockets;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Transport;

public class ListenUrlTests
{
    [TestCase("ws://127.0.0.1:8080", "127.0.0.1", 8080, false)]
    [TestCase("ws://127.0.0.1:8080/any/path", "127.0.0.1", 8080, false)]
    [TestCase("wss://0.0.0.0:443", "0.0.0.0", 443, true)]
    [TestCase("ws://[::1]:9000", "::1", 9000, false)]
    [TestCase("WS://127.0.0.1", "127.0.0.1", 80, false)]
    [TestCase("wss://127.0.0.1", "127.0.0.1", 443, true)]
    public void Resolve_IpLiteral_GivesThatEndpoint(string url, string address, int port, bool secure)
    {
        var endPoints = ListenUrl.Resolve(url, out bool isSecure);

        Assert.That(endPoints, Has.Count.EqualTo(1));
        Assert.That(endPoints[0], Is.EqualTo(new IPEndPoint(IPAddress.Parse(address), port)));
        Assert.That(isSecure, Is.EqualTo(secure));
    }

    [TestCase("ws://*:8080")]
    [TestCase("ws://+:8080")]
    [TestCase("ws://[::]:8080")]
    public void Resolve_Wildcard_IsAnyAddress(string url)
    {
        var endPoints = ListenUrl.Resolve(url, out _);

        Assert.That(endPoints, Has.Count.EqualTo(1));
        Assert.That(endPoints[0].Address, Is.EqualTo(IPAddress.IPv6Any).Or.EqualTo(IPAddress.Any));
        Assert.That(endPoints[0].Port, Is.EqualTo(8080));
    }

    [Test]
    public void Resolve_Localhost_GivesLoopbackAddressesIpv4First()
    {
        var endPoints = ListenUrl.Resolve("ws://localhost:0", out _);

        Assert.That(endPoints.All(e => IPAddress.IsLoopback(e.Address)), Is.True);
        Assert.That(endPoints[0].AddressFamily, Is.EqualTo(AddressFamily.InterNetwork));
    }

    [TestCase("http://127.0.0.1:80")]
    [TestCase("ws://127.0.0.1:http")]
    [TestCase("ws://127.0.0.1:70000")]
    [TestCase("ws://:8080")]
    [TestCase("ws://[::1:8080")]
    public void Resolve_BadUrl_ThrowsArgumentException(string url)
    {
        Assert.Throws<ArgumentException>(() => ListenUrl.Resolve(url, out _));
    }
}
