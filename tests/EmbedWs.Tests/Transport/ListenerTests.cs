using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using EmbedWs.Tests.Integration;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Transport;

/// <summary>Binding (URL, host names, IPv6, dual-stack, port 0) and TLS, over real sockets.</summary>
public class ListenerTests
{
    [Test]
    public async Task Start_UrlWithLocalhostAndPort0_BindsEveryLoopbackAddressOnOnePort()
    {
        await using var server = new WsServer("ws://localhost:0");
        await server.StartAsync();

        Assert.That(server.Port, Is.GreaterThan(0));
        Assert.That(server.LocalEndPoints.Select(e => e.Port).Distinct(), Is.EquivalentTo(new[] { server.Port }));
        await AssertEchoAsync(new Uri($"ws://127.0.0.1:{server.Port}/"), server);
    }

    [Test]
    public async Task Start_Ipv6Loopback_ServesIpv6Clients()
    {
        if (!Socket.OSSupportsIPv6)
        {
            Assert.Ignore("IPv6 is off on this machine: enable it (sysctl net.ipv6.conf.lo.disable_ipv6=0) to run this test");
        }

        await using var server = new WsServer(new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.IPv6Loopback, 0) });
        await server.StartAsync();

        await AssertEchoAsync(new Uri($"ws://[::1]:{server.Port}/"), server);
    }

    [Test]
    public async Task Start_DualStackAny_ServesIpv4ClientsToo()
    {
        if (!Socket.OSSupportsIPv6)
        {
            Assert.Ignore("IPv6 is off on this machine: enable it to run this test");
        }

        // Binds [::] with DualMode: an IPv4 client on 127.0.0.1 must get through.
        await using var server = new WsServer(new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.IPv6Any, 0) });
        await server.StartAsync();

        await AssertEchoAsync(new Uri($"ws://127.0.0.1:{server.Port}/"), server);
    }

    [Test]
    public void Start_WssUrlWithoutCertificate_Throws()
    {
        var server = new WsServer("wss://127.0.0.1:0");

        Assert.That(async () => await server.StartAsync(), Throws.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public async Task Start_PortInUse_Throws()
    {
        await using var first = await TestServer.StartAsync();
        var second = new WsServer(new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, first.Port) });

        var error = await Assert.ThrowsAsync<System.IO.IOException>(async () => await second.StartAsync());
        Assert.That(error!.Message, Does.Contain($"127.0.0.1:{first.Port}").And.Contain("already in use"));
        Assert.That(error.InnerException, Is.InstanceOf<SocketException>()
            .With.Property(nameof(SocketException.SocketErrorCode)).EqualTo(SocketError.AddressAlreadyInUse));
    }

    [Test]
    public async Task Tls_ClientWebSocketOverWss_EchoesAndReportsSecure()
    {
        using var certificate = CreateCertificate();
        await using var server = await TestServer.StartEchoAsync(o => o.Certificate = certificate);
        using var client = await TestServer.ConnectClientAsync(
            new Uri($"wss://127.0.0.1:{server.Port}/"),
            o => o.RemoteCertificateValidationCallback = (_, _, _, _) => true);
        await server.WaitConnectedAsync();
        using var cts = new CancellationTokenSource(TestServer.Timeout);

        await client.SendAsync(Encoding.UTF8.GetBytes("secret"), WebSocketMessageType.Text, true, cts.Token);
        var (_, data) = await ClientWebSocketTests.ReceiveAsync(client, cts.Token);

        Assert.That(Encoding.UTF8.GetString(data), Is.EqualTo("secret"));
        Assert.That(server.Connected.Single().Info.IsSecure, Is.True);
    }

    [Test]
    public async Task Tls_Tls12Client_IsAccepted()
    {
        using var certificate = CreateCertificate();
        await using var server = await TestServer.StartEchoAsync(o => o.Certificate = certificate);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        using var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        using var cts = new CancellationTokenSource(TestServer.Timeout);

        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12,
        }, cts.Token);

        Assert.That(ssl.SslProtocol, Is.EqualTo(System.Security.Authentication.SslProtocols.Tls12));
    }

    [Test]
    public async Task Tls_PlainTextOnTlsPort_SocketClosedAndServerGoesOn()
    {
        using var certificate = CreateCertificate();
        await using var server = await TestServer.StartEchoAsync(o => o.Certificate = certificate);
        using (var raw = new TcpClient())
        {
            await raw.ConnectAsync(IPAddress.Loopback, server.Port);
            var stream = raw.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
            using var cts = new CancellationTokenSource(TestServer.Timeout);
            var buffer = new byte[1024];
            int total = 0;
            try
            {
                int n;
                while ((n = await stream.ReadAsync(buffer, cts.Token)) > 0)
                {
                    total += n;
                }
            }
            catch (System.IO.IOException)
            {
                // A reset is a close too.
            }

            Assert.That(cts.IsCancellationRequested, Is.False, "the server must close the socket, not leave it hanging");
        }

        using var client = await TestServer.ConnectClientAsync(
            new Uri($"wss://127.0.0.1:{server.Port}/"),
            o => o.RemoteCertificateValidationCallback = (_, _, _, _) => true);
        Assert.That(client.State, Is.EqualTo(WebSocketState.Open));
    }

    private static async Task AssertEchoAsync(Uri uri, WsServer server)
    {
        server.OnMessage += (c, m) => c.Send(m.Text);
        using var client = await TestServer.ConnectClientAsync(uri);
        using var cts = new CancellationTokenSource(TestServer.Timeout);
        await client.SendAsync(Encoding.UTF8.GetBytes("hi"), WebSocketMessageType.Text, true, cts.Token);
        var (_, data) = await ClientWebSocketTests.ReceiveAsync(client, cts.Token);
        Assert.That(Encoding.UTF8.GetString(data), Is.EqualTo("hi"));
    }

    internal static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // Round-trip through PKCS#12 so the private key is usable by SslStream on Linux.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }
}
