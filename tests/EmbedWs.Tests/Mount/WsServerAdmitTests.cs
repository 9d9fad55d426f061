using System.Collections.Generic;
using System.Linq;
using System.Security.Claims;
using EmbedWs.Tests.TestSupport;
using static EmbedWs.Tests.Mount.MountRequests;

namespace EmbedWs.Tests.Mount;

/// <summary>
/// <see cref="WsServer.AdmitAsync"/>: the handshake checklist for a request another HTTP server
/// received, with the answers the server's own listener gives (RFC 6455 §4.2.1-§4.2.2, RFC 8441).
/// </summary>
public class WsServerAdmitTests
{
    [Test]
    public async Task Admit_ValidRequest_Accepts101WithTheRfcAcceptValue()
    {
        await using var server = await StartAsync();

        using var decision = await server.Server.AdmitAsync(Request());

        Assert.That(decision.IsAccepted, Is.True);
        Assert.That(decision.StatusCode, Is.EqualTo(101));
        Assert.That(decision.Headers, Does.Contain(new KeyValuePair<string, string>("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")));
        Assert.That(decision.Body, Is.Empty);
    }

    [TestCase(true, "permessage-deflate; server_no_context_takeover")]
    [TestCase(false, null)]
    public async Task Admit_DeflateOffered_AnsweredAsTheListenerWould(bool compression, string? answer)
    {
        await using var server = await StartAsync(o => o.Compression = compression);

        using var decision = await server.Server.AdmitAsync(Request(headers: Headers().With("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")));

        Assert.That(decision.IsAccepted, Is.True);
        Assert.That(decision.Info!.Extensions, Is.EqualTo(answer));
        Assert.That(decision.Headers.Where(h => h.Key == "Sec-WebSocket-Extensions").Select(h => h.Value),
            answer is null ? Is.Empty : Is.EqualTo(new[] { answer }));
    }

    [Test]
    public async Task Admit_ExtendedConnect_Accepts200WithoutAcceptHeader()
    {
        await using var server = await StartAsync();
        var request = new WsUpgradeRequest("/ws", "", Headers().Without("Sec-WebSocket-Key").Without("Upgrade").Without("Connection"))
        {
            Method = "CONNECT",
            HttpVersion = "HTTP/2",
            IsExtendedConnect = true,
        };

        using var decision = await server.Server.AdmitAsync(request);

        Assert.That(decision.IsAccepted, Is.True, decision.Body);
        Assert.That(decision.StatusCode, Is.EqualTo(200));
        Assert.That(decision.Headers.Select(h => h.Key), Does.Not.Contain("Sec-WebSocket-Accept"));
    }

    [TestCase("Upgrade", 426)]
    [TestCase("Sec-WebSocket-Key", 400)]
    [TestCase("Sec-WebSocket-Version", 400)]
    [TestCase("Host", 400)]
    public async Task Admit_MissingHeader_RefusedWithStatus(string header, int status)
    {
        await using var server = await StartAsync();

        var decision = await server.Server.AdmitAsync(Request(headers: Headers().Without(header)));

        Assert.That(decision.IsAccepted, Is.False);
        Assert.That(decision.StatusCode, Is.EqualTo(status));
        Assert.That(decision.Body, Is.Not.Empty);
    }

    [Test]
    public async Task Admit_PlainGet_Refused426WithUpgradeWebSocket()
    {
        await using var server = await StartAsync();

        var decision = await server.Server.AdmitAsync(Request(headers: Headers().Without("Upgrade").Without("Connection")));

        Assert.That(decision.StatusCode, Is.EqualTo(426));
        Assert.That(decision.Headers, Does.Contain(new KeyValuePair<string, string>("Upgrade", "websocket")));
    }

    [Test]
    public async Task Admit_Version12_Refused426WithVersion13()
    {
        await using var server = await StartAsync();

        var decision = await server.Server.AdmitAsync(Request(headers: Headers().With("Sec-WebSocket-Version", "12")));

        Assert.That(decision.StatusCode, Is.EqualTo(426));
        Assert.That(decision.Headers, Does.Contain(new KeyValuePair<string, string>("Sec-WebSocket-Version", "13")));
    }

    [Test]
    public async Task Admit_Post_Refused405WithAllowGet()
    {
        await using var server = await StartAsync();

        var decision = await server.Server.AdmitAsync(Request(method: "POST"));

        Assert.That(decision.StatusCode, Is.EqualTo(405));
        Assert.That(decision.Headers, Does.Contain(new KeyValuePair<string, string>("Allow", "GET")));
    }

    [Test]
    public async Task Admit_OriginNotAllowed_Refused403()
    {
        await using var server = await StartAsync(o => o.AllowedOrigins = new[] { "https://good.test" });

        var bad = await server.Server.AdmitAsync(Request(headers: Headers().With("Origin", "https://evil.test")));
        using var good = await server.Server.AdmitAsync(Request(headers: Headers().With("Origin", "https://good.test")));

        Assert.That(bad.StatusCode, Is.EqualTo(403));
        Assert.That(good.IsAccepted, Is.True);
    }

    [Test]
    public async Task Admit_AcceptHookSeesUserAndQuery_RejectsWith401()
    {
        WsConnectionInfo? seen = null;
        await using var server = await StartAsync(o => o.AcceptHandler = ctx =>
        {
            seen = ctx.Info;
            if (ctx.Info.User?.Identity?.IsAuthenticated != true)
            {
                ctx.Reject(401, "log in first");
            }

            return default;
        });
        var alice = new ClaimsPrincipal(new ClaimsIdentity(new[] { new Claim(ClaimTypes.Name, "alice") }, "test"));

        var refused = await server.Server.AdmitAsync(Request(query: "room=a%20b", headers: Headers().With("Cookie", "sid=42")));
        using var accepted = await server.Server.AdmitAsync(Request(user: alice));

        Assert.That(refused.StatusCode, Is.EqualTo(401));
        Assert.That(refused.Body, Is.EqualTo("log in first"));
        Assert.That(accepted.IsAccepted, Is.True);
        Assert.That(seen!.User!.Identity!.Name, Is.EqualTo("alice"));
        Assert.That(refused.Info!.Query["room"], Is.EqualTo("a b"));
        Assert.That(refused.Info.Cookies["sid"], Is.EqualTo("42"));
        Assert.That(refused.Info.RemoteEndPoint!.Port, Is.EqualTo(50000));
    }

    [Test]
    public async Task Admit_AcceptHookThrows_Refused500AndOnError()
    {
        await using var server = await StartAsync(o => o.AcceptHandler = _ => throw new InvalidOperationException("hook bug"));

        var decision = await server.Server.AdmitAsync(Request());

        Assert.That(decision.StatusCode, Is.EqualTo(500));
        Assert.That((await server.NextErrorAsync()).Error.Message, Is.EqualTo("hook bug"));
    }

    [Test]
    public async Task Admit_SubProtocols_FirstSupportedOfferChosenAndAnswered()
    {
        await using var server = await StartAsync(o => o.SupportedSubProtocols.Add("chat.v2"));

        using var decision = await server.Server.AdmitAsync(Request(headers: Headers().With("Sec-WebSocket-Protocol", "chat.v3, chat.v2")));

        Assert.That(decision.SubProtocol, Is.EqualTo("chat.v2"));
        Assert.That(decision.Headers, Does.Contain(new KeyValuePair<string, string>("Sec-WebSocket-Protocol", "chat.v2")));
    }

    [Test]
    public async Task Admit_ServerFull_Refused503UntilTheDecisionIsDisposed()
    {
        await using var server = await StartAsync(o => o.MaxConnections = 1);

        var first = await server.Server.AdmitAsync(Request());
        var full = await server.Server.AdmitAsync(Request());
        first.Dispose();
        using var again = await server.Server.AdmitAsync(Request());

        Assert.That(full.StatusCode, Is.EqualTo(503));
        Assert.That(full.Headers.Select(h => h.Key), Does.Contain("Retry-After"));
        Assert.That(again.IsAccepted, Is.True);
    }

    [Test]
    public async Task Admit_ServerStopping_Refused503()
    {
        await using var server = await StartAsync();
        await server.Server.StopAsync();

        var decision = await server.Server.AdmitAsync(Request());

        Assert.That(decision.StatusCode, Is.EqualTo(503));
    }

    [Test]
    public async Task Admit_ServerNotStarted_Throws()
    {
        var server = new WsServer(new WsServerOptions { Listen = false });

        await Assert.ThrowsAsync<InvalidOperationException>(() => server.AdmitAsync(Request()));
    }

    private static Task<RecordingServer> StartAsync(Action<WsServerOptions>? configure = null) =>
        RecordingServer.StartEchoAsync(o =>
        {
            o.Listen = false;
            configure?.Invoke(o);
        });
}
