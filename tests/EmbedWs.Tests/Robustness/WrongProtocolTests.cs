using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Text;
using System.Threading;
using EmbedWs.Tests.Integration;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Tests.Transport;

namespace EmbedWs.Tests.Robustness;

/// <summary>
/// The wrong protocol on a port: plain text on the TLS port (socket dropped, logged), TLS on the
/// plain port (400 at once, logged). The server goes on serving its own clients meanwhile.
/// </summary>
public class WrongProtocolTests
{
    private const int TlsFailedEvent = 103;
    private const int TlsOnPlainPortEvent = 109;

    [TestCase("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n\r\n", TestName = "TlsPort_PlainHttpRequest_SocketDroppedAndLogged_TlsClientKeepsEchoing")]
    [TestCase("\u0001\u0002 not tls, not http \u00ff\r\n\r\n", TestName = "TlsPort_Garbage_SocketDroppedAndLogged_TlsClientKeepsEchoing")]
    public async Task TlsPort_PlainText(string plain)
    {
        using var certificate = ListenerTests.CreateCertificate();
        var logs = new RecordingLoggerFactory();
        await using var server = await TestServer.StartEchoAsync(o =>
        {
            o.Certificate = certificate;
            o.LoggerFactory = logs;
        });
        using var good = await TestServer.ConnectClientAsync(
            new Uri($"wss://127.0.0.1:{server.Port}/"),
            o => o.RemoteCertificateValidationCallback = (_, _, _, _) => true);

        var attack = Task.Run(async () =>
        {
            for (int i = 0; i < 10; i++)
            {
                using var raw = new TcpClient();
                await raw.ConnectAsync(IPAddress.Loopback, server.Port);
                var stream = raw.GetStream();
                await stream.WriteAsync(Encoding.Latin1.GetBytes(plain));
                Assert.That(await ReadUntilClosedAsync(stream), Is.True, "the server must drop the socket, not leave it hanging");
            }
        });

        int echoes = 0;
        while (!attack.IsCompleted || echoes < 3)
        {
            await EchoAsync(good, $"secure {echoes++}");
        }

        await attack;
        await logs.WaitForCountAsync(TlsFailedEvent, 10);
        Assert.That(server.Connected, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task PlainPort_TlsClientHelloBytes_Gets400AtOnceAndIsLogged()
    {
        var logs = new RecordingLoggerFactory();
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            // Far longer than the client waits: the answer must not wait for the timeout.
            o.HandshakeTimeout = TimeSpan.FromSeconds(60);
            o.LoggerFactory = logs;
        });
        await using var good = await GoodClient.OpenAsync(server.Port);
        await using var client = await RawClient.ConnectAsync(server.Port);

        // The start of a TLS 1.2 record holding a ClientHello: type 0x16, version 3.1, length.
        await client.SendAsync(Convert.FromHexString("16030100c4010000c00303"));

        var head = await client.ReadHeadAsync();
        Assert.That(head.Status, Is.EqualTo(400), head.Raw);
        Assert.That(await client.ReadBodyAsync(head), Does.Contain("not TLS"));
        await client.AssertServerClosedAsync(RawClient.Timeout);
        Assert.That((await logs.WaitForAsync(TlsOnPlainPortEvent)).Message, Does.Contain("TLS on a plain ws:// port"));
        await good.EchoAsync(3);
    }

    [Test]
    public async Task PlainPort_RealTlsClient_FailsAtOnceAndIsLogged_GoodClientKeepsEchoing()
    {
        var logs = new RecordingLoggerFactory();
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.HandshakeTimeout = TimeSpan.FromSeconds(60);
            o.LoggerFactory = logs;
        });
        await using var good = await GoodClient.OpenAsync(server.Port);

        var attack = Task.Run(async () =>
        {
            for (int i = 0; i < 5; i++)
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
                using var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
                using var cts = new CancellationTokenSource(RawClient.Timeout);
                var failure = await Assert.CatchAsync<Exception>(() => ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions { TargetHost = "localhost" }, cts.Token));
                Assert.That(failure, Is.InstanceOf<AuthenticationException>().Or.InstanceOf<IOException>(), failure!.ToString());
                Assert.That(cts.IsCancellationRequested, Is.False, "refused at once, not after a timeout");
            }
        });

        await good.EchoWhileAsync(attack);
        await logs.WaitForCountAsync(TlsOnPlainPortEvent, 5);
        Assert.That(server.ConnectCount, Is.EqualTo(1));
    }

    // Reads until the server closes (true) or the timeout passes (false).
    private static async Task<bool> ReadUntilClosedAsync(NetworkStream stream)
    {
        using var cts = new CancellationTokenSource(RawClient.Timeout);
        var buffer = new byte[1024];
        try
        {
            while (await stream.ReadAsync(buffer, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            // A reset is a close too.
            return true;
        }
    }

    private static async Task EchoAsync(ClientWebSocket client, string text)
    {
        using var cts = new CancellationTokenSource(TestServer.Timeout);
        await client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
        var (_, data) = await ClientWebSocketTests.ReceiveAsync(client, cts.Token);
        Assert.That(Encoding.UTF8.GetString(data), Is.EqualTo(text));
    }
}
