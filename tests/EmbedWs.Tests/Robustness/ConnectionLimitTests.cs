using System.Collections.Generic;
using System.Linq;
using System.Net;
using EmbedWs.Tests.Conformance;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;

namespace EmbedWs.Tests.Robustness;

/// <summary>
/// MaxConnections (503 with Retry-After) and MaxConnectionsPerAddress (429), over real sockets:
/// what the client over the limit gets, the log line, a good client unaffected, and a slot given
/// back exactly once when a connection ends.
/// </summary>
public class ConnectionLimitTests
{
    private const int ServerFullEvent = 107;
    private const int AddressFullEvent = 108;

    // Linux routes all of 127.0.0.0/8 to loopback, so a client bound to 127.0.0.2 comes from
    // another address than one on 127.0.0.1.
    private static readonly Action<System.Net.Sockets.Socket> s_fromOtherAddress =
        s => s.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));

    [Test]
    public async Task MaxConnections_Reached_HandshakesGet503WithRetryAfterAndAreLogged_GoodClientKeepsEchoing()
    {
        var logs = new RecordingLoggerFactory();
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.MaxConnections = 3;
            o.LoggerFactory = logs;
        });
        await using var good = await GoodClient.OpenAsync(server.Port);
        await using var first = await RawClient.OpenAsync(server.Port);
        await using var second = await RawClient.OpenAsync(server.Port);

        var attack = Task.Run(async () =>
        {
            for (int i = 0; i < 20; i++)
            {
                await AssertRefusedAsync(server, 503, expectRetryAfter: true);
            }
        });

        await good.EchoWhileAsync(attack);
        Assert.That(logs.Count(ServerFullEvent), Is.EqualTo(20), logs.Dump());
        Assert.That(logs.WithId(ServerFullEvent)[0].Message, Does.Contain("MaxConnections").And.Contain("3"));
        Assert.That(server.ConnectCount, Is.EqualTo(3), "a refused handshake must never raise OnConnect");
    }

    [Test]
    public async Task MaxConnections_OneCloses_ExactlyOneNewConnectionFits()
    {
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.MaxConnections = 2;
            o.StopTimeout = TimeSpan.FromSeconds(1);
        });
        var first = await RawClient.OpenAsync(server.Port);
        var firstConnection = await server.NextConnectionAsync();
        await using var second = await RawClient.OpenAsync(server.Port);
        await server.NextConnectionAsync();
        await AssertRefusedAsync(server, 503, expectRetryAfter: true);

        // A clean close gives the slot back (before OnClose is raised)...
        await first.SendAsync(ClientFrame.Close(1000));
        await first.ReadCloseAsync();
        await first.AssertServerClosedAsync(RawClient.Timeout);
        await server.CloseOfAsync(firstConnection);
        await using var third = await RawClient.OpenAsync(server.Port);
        var thirdConnection = await server.NextConnectionAsync();

        // ...once: the server is full again.
        await AssertRefusedAsync(server, 503, expectRetryAfter: true);

        // A reset gives it back too, also once.
        third.Reset();
        await server.CloseOfAsync(thirdConnection);
        await using var fourth = await RawClient.OpenAsync(server.Port);
        await AssertRefusedAsync(server, 503, expectRetryAfter: true);
        await server.StopAndAssertOneClosePerConnectionAsync();
    }

    [Test]
    public async Task MaxConnections_SocketsStillInTheirHandshake_DoNotTakeSlots()
    {
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.MaxConnections = 2;
            o.HandshakeTimeout = TimeSpan.FromSeconds(30);
        });
        await using var open = await RawClient.OpenAsync(server.Port);
        var silent = new List<RawClient>();
        for (int i = 0; i < 10; i++)
        {
            silent.Add(await RawClient.ConnectAsync(server.Port));
        }

        try
        {
            // Ten sockets that sent nothing yet: the last slot is still free.
            await using var last = await RawClient.OpenAsync(server.Port);
            await AssertRefusedAsync(server, 503, expectRetryAfter: true);
        }
        finally
        {
            foreach (var s in silent)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task MaxConnections_HandshakeRefusedByTheAcceptHook_GivesItsSlotBack()
    {
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.MaxConnections = 1;
            o.AcceptHandler = ctx =>
            {
                if (ctx.Info.Path == "/deny")
                {
                    ctx.Reject(403, "denied");
                }

                return default;
            };
        });

        for (int i = 0; i < 5; i++)
        {
            var (head, client) = await HandshakeConformanceTests.SendRequestAsync(server, new RawRequest(server.Port, "/deny"));
            await using var _ = client;
            Assert.That(head.Status, Is.EqualTo(403), head.Raw);
        }

        await using var accepted = await RawClient.OpenAsync(server.Port);
        await AssertRefusedAsync(server, 503, expectRetryAfter: true);
    }

    [Test]
    public async Task MaxConnections_Full_PlainHttpIsStillServed()
    {
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.MaxConnections = 1;
            o.HttpHandler = _ => new ValueTask<WsHttpResponse?>(WsHttpResponse.Text("page"));
        });
        await using var open = await RawClient.OpenAsync(server.Port);

        var (head, client) = await HandshakeConformanceTests.SendRequestAsync(server, new RawRequest(server.Port).Remove("Upgrade").Remove("Connection"));
        await using var _ = client;

        Assert.That(head.Status, Is.EqualTo(200), head.Raw);
    }

    [Test]
    public async Task MaxConnectionsPerAddress_Reached_HandshakesGet429AndAreLogged_OtherAddressKeepsEchoing()
    {
        var logs = new RecordingLoggerFactory();
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.MaxConnectionsPerAddress = 2;
            o.LoggerFactory = logs;
        });
        await using var good = await GoodClient.OpenAsync(server.Port, s_fromOtherAddress);
        await using var first = await RawClient.OpenAsync(server.Port);
        await using var second = await RawClient.OpenAsync(server.Port);

        var attack = Task.Run(async () =>
        {
            for (int i = 0; i < 20; i++)
            {
                await AssertRefusedAsync(server, 429, expectRetryAfter: false);
            }
        });

        await good.EchoWhileAsync(attack);
        Assert.That(logs.Count(AddressFullEvent), Is.EqualTo(20), logs.Dump());
        Assert.That(logs.WithId(AddressFullEvent)[0].Message, Does.Contain("127.0.0.1").And.Contain("MaxConnectionsPerAddress"));

        // The other address has one connection of its two.
        await using var secondGood = await GoodClient.OpenAsync(server.Port, s_fromOtherAddress);
        await secondGood.EchoAsync();
    }

    [Test]
    public async Task MaxConnectionsPerAddress_OneCloses_ExactlyOneNewConnectionFits()
    {
        await using var server = await RecordingServer.StartEchoAsync(o =>
        {
            o.MaxConnectionsPerAddress = 2;
            o.StopTimeout = TimeSpan.FromSeconds(1);
        });
        var first = await RawClient.OpenAsync(server.Port);
        var firstConnection = await server.NextConnectionAsync();
        var second = await RawClient.OpenAsync(server.Port);
        var secondConnection = await server.NextConnectionAsync();
        await AssertRefusedAsync(server, 429, expectRetryAfter: false);

        await first.SendAsync(ClientFrame.Close(1000));
        await first.ReadCloseAsync();
        await first.AssertServerClosedAsync(RawClient.Timeout);
        await server.CloseOfAsync(firstConnection);
        await using var third = await RawClient.OpenAsync(server.Port);
        await AssertRefusedAsync(server, 429, expectRetryAfter: false);

        second.Reset();
        await server.CloseOfAsync(secondConnection);
        await using var fourth = await RawClient.OpenAsync(server.Port);
        await AssertRefusedAsync(server, 429, expectRetryAfter: false);
        await server.StopAndAssertOneClosePerConnectionAsync();
    }

    [Test]
    public void Options_LimitDefaults_AreDocumentedValues()
    {
        var options = new WsServerOptions();

        Assert.That(options.MaxConnections, Is.EqualTo(100_000));
        Assert.That(options.MaxConnectionsPerAddress, Is.Zero, "0: no limit");
        Assert.That(options.MaxFragmentsPerMessage, Is.EqualTo(1024));
        Assert.That(options.MessageReadTimeout, Is.EqualTo(TimeSpan.FromSeconds(60)));
    }

    [Test]
    public void Options_LimitSetters_RefuseValuesOutOfRange()
    {
        var options = new WsServerOptions();

        Assert.That(() => options.MaxConnections = -1, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => options.MaxConnectionsPerAddress = -1, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => options.MaxFragmentsPerMessage = 0, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => options.MessageReadTimeout = TimeSpan.Zero, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => options.MessageReadTimeout = TimeSpan.FromSeconds(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        options.MessageReadTimeout = System.Threading.Timeout.InfiniteTimeSpan;
        options.MaxConnections = 0;
        Assert.That(options.MessageReadTimeout, Is.EqualTo(System.Threading.Timeout.InfiniteTimeSpan));
    }

    // A valid handshake from 127.0.0.1 must get status (with Retry-After: 5 for 503), a body,
    // and the end of TCP.
    private static async Task AssertRefusedAsync(RecordingServer server, int status, bool expectRetryAfter)
    {
        var (head, client) = await HandshakeConformanceTests.SendRequestAsync(server, new RawRequest(server.Port));
        await using var _ = client;

        Assert.That(head.Status, Is.EqualTo(status), head.Raw);
        Assert.That(head.Header("Sec-WebSocket-Accept"), Is.Null);
        Assert.That(head.Header("Retry-After"), expectRetryAfter ? Is.EqualTo("5") : Is.Null);
        Assert.That(await client.ReadBodyAsync(head), Is.Not.Empty, "a refusal says why in its body");
        await client.AssertServerClosedAsync(RawClient.Timeout);
    }
}
