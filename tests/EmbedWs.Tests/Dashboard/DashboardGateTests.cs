using System.Net.WebSockets;
using System.Threading;
using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Dashboard;

/// <summary>Who gets the dashboard, over loopback: the token, the accept hook's AllowDashboard, refusals with their log line.</summary>
public class DashboardGateTests
{
    [Test]
    public async Task Page_WithToken_IsServedAsHtmlThatStaysOnItsOrigin()
    {
        await using var server = await DashboardHubTests.StartAsync();

        var (head, body) = await GetAsync(server.Port, "/embedws/?token=" + DashboardClient.Token);

        Assert.That(head.Status, Is.EqualTo(200));
        Assert.That(head.Header("Content-Type"), Is.EqualTo("text/html; charset=utf-8"));
        Assert.That(head.Header("Content-Security-Policy"), Does.Contain("default-src 'none'"));
        Assert.That(head.Header("Referrer-Policy"), Is.EqualTo("no-referrer"));
        Assert.That(head.Header("Cache-Control"), Is.EqualTo("no-store"));
        Assert.That(body, Does.Contain("<script src=\"dashboard.js\"></script>"));
    }

    [TestCase("/embedws/dashboard.js", "text/javascript; charset=utf-8", "new WebSocket(")]
    [TestCase("/embedws/dashboard.css", "text/css; charset=utf-8", "body {")]
    public async Task Files_AreServedWithoutToken(string path, string contentType, string content)
    {
        await using var server = await DashboardHubTests.StartAsync();

        var (head, body) = await GetAsync(server.Port, path);

        Assert.That(head.Status, Is.EqualTo(200));
        Assert.That(head.Header("Content-Type"), Is.EqualTo(contentType));
        Assert.That(head.Header("X-Content-Type-Options"), Is.EqualTo("nosniff"));
        Assert.That(body, Does.Contain(content));
    }

    [Test]
    public async Task Page_WithoutToken_Is401AndLogged()
    {
        using var log = new RecordingLoggerFactory();
        await using var server = await DashboardHubTests.StartAsync(o => o.LoggerFactory = log);

        var (head, _) = await GetAsync(server.Port, "/embedws/");

        Assert.That(head.Status, Is.EqualTo(401));
        Assert.That(head.Header("WWW-Authenticate"), Is.EqualTo("Bearer realm=\"EmbedWs dashboard\""));
        var entry = await log.WaitForAsync(801);
        Assert.That(entry.Message, Does.Contain("401"));
    }

    [Test]
    public async Task Page_WithTokenInQuery_SetsACookieScopedToTheDashboardThatOpensPageAndSocket()
    {
        await using var server = await DashboardHubTests.StartAsync();

        var (head, _) = await GetAsync(server.Port, "/embedws/?token=" + DashboardClient.Token);
        string setCookie = head.Header("Set-Cookie")!;
        string cookie = setCookie.Substring(0, setCookie.IndexOf(';'));
        var (again, _) = await GetAsync(server.Port, "/embedws/", $"Cookie: {cookie}\r\n");
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", cookie);
        using var timeout = new CancellationTokenSource(TestServer.Timeout);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/embedws/socket"), timeout.Token);

        Assert.That(setCookie, Does.StartWith("embedws_dashboard="));
        Assert.That(setCookie, Does.Contain("; Path=/embedws/; HttpOnly; SameSite=Strict"));
        Assert.That(setCookie, Does.Not.Contain(DashboardClient.Token), "the cookie holds a value derived from the token");
        Assert.That(again.Status, Is.EqualTo(200));
        Assert.That(again.Header("Set-Cookie"), Is.Null, "set once, when the token came in the URL");
        await Poll.UntilAsync(() => server.Server.Dashboard!.ViewerCount == 1, "the viewer is in by its cookie");
        socket.Abort();
    }

    [Test]
    public async Task Page_WithBearerHeader_IsServed()
    {
        await using var server = await DashboardHubTests.StartAsync();

        var (head, _) = await GetAsync(server.Port, "/embedws/", $"Authorization: Bearer {DashboardClient.Token}\r\n");
        var (wrong, _) = await GetAsync(server.Port, "/embedws/", "Authorization: Bearer guess-guess-guess-guess\r\n");

        Assert.That(head.Status, Is.EqualTo(200));
        Assert.That(wrong.Status, Is.EqualTo(403));
    }

    [Test]
    public async Task Page_WithACookieOfAnEarlierToken_Is401NotForbidden()
    {
        await using var server = await DashboardHubTests.StartAsync();

        var (head, _) = await GetAsync(server.Port, "/embedws/", "Cookie: embedws_dashboard=from-last-run\r\n");

        Assert.That(head.Status, Is.EqualTo(401), "a stale cookie is no guess: the page asks for the token again");
    }

    [TestCase("/embedws/", "/embedws", "/embedws/")]
    [TestCase("/embedws/", "/embedws?token=abc", "/embedws/?token=abc")]
    [TestCase("/ops/live/", "/ops/live?x=1", "/ops/live/?x=1")]
    public async Task BasePathWithoutSlash_RedirectsWith308KeepingTheQuery(string basePath, string target, string location)
    {
        await using var server = await DashboardHubTests.StartAsync(o => o.DashboardPath = basePath);

        var (head, _) = await GetAsync(server.Port, target);

        Assert.That(head.Status, Is.EqualTo(308));
        Assert.That(head.Header("Location"), Is.EqualTo(location));
        Assert.That(head.Header("Cache-Control"), Is.EqualTo("no-store"));
    }

    [Test]
    public async Task Page_WithWrongToken_Is403AndTheTokenIsNotLogged()
    {
        using var log = new RecordingLoggerFactory();
        await using var server = await DashboardHubTests.StartAsync(o => o.LoggerFactory = log);

        var (head, _) = await GetAsync(server.Port, "/embedws/?token=guess-guess-guess-guess");

        Assert.That(head.Status, Is.EqualTo(403));
        await log.WaitForAsync(801);
        Assert.That(log.Dump(), Does.Not.Contain("guess-guess"));
    }

    [Test]
    public async Task Socket_WithoutToken_Is401()
    {
        using var log = new RecordingLoggerFactory();
        await using var server = await DashboardHubTests.StartAsync(o => o.LoggerFactory = log);

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => DashboardClient.ConnectAsync(server.Port, token: null));

        Assert.That(refused!.Message, Does.Contain("401"));
        await log.WaitForAsync(801);
        Assert.That(server.Server.Dashboard!.ViewerCount, Is.Zero);
    }

    [Test]
    public async Task Socket_FromAnotherSitesPage_Is403()
    {
        await using var server = await DashboardHubTests.StartAsync();
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "https://evil.example");
        using var timeout = new CancellationTokenSource(TestServer.Timeout);

        var refused = await Assert.ThrowsAsync<WebSocketException>(() =>
            socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/embedws/socket?token={DashboardClient.Token}"), timeout.Token));

        Assert.That(refused!.Message, Does.Contain("403"));
    }

    [Test]
    public async Task Socket_FromItsOwnPage_IsOpened()
    {
        await using var server = await DashboardHubTests.StartAsync();
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", $"http://127.0.0.1:{server.Port}");
        using var timeout = new CancellationTokenSource(TestServer.Timeout);

        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/embedws/socket?token={DashboardClient.Token}"), timeout.Token);

        Assert.That(socket.State, Is.EqualTo(WebSocketState.Open));
        socket.Abort();
    }

    [Test]
    public async Task AcceptHook_AllowDashboard_OpensPageAndSocketWithoutToken()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Dashboard = true;
            o.AcceptHandler = c =>
            {
                if (c.IsDashboard && c.Info.Cookies.TryGetValue("role", out var role) && role == "operator")
                {
                    c.AllowDashboard();
                }

                return default;
            };
        });

        var (allowed, _) = await GetAsync(server.Port, "/embedws/", "Cookie: role=operator\r\n");
        var (refused, _) = await GetAsync(server.Port, "/embedws/", "Cookie: role=player\r\n");
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", "role=operator");
        using var timeout = new CancellationTokenSource(TestServer.Timeout);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/embedws/socket"), timeout.Token);

        Assert.That(allowed.Status, Is.EqualTo(200));
        Assert.That(refused.Status, Is.EqualTo(401), "not rejecting is not allowing");
        await Poll.UntilAsync(() => server.Server.Dashboard!.ViewerCount == 1, "the viewer is in");
        socket.Abort();
    }

    [Test]
    public async Task AcceptHook_Rejecting_GivesItsStatus()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Dashboard = true;
            o.AcceptHandler = c =>
            {
                c.Reject(418, "no");
                return default;
            };
        });

        var (head, body) = await GetAsync(server.Port, "/embedws/");

        Assert.That(head.Status, Is.EqualTo(418));
        Assert.That(body, Is.EqualTo("no"));
    }

    [Test]
    public async Task AcceptHook_OnOtherPaths_StillDecides()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Dashboard = true;
            o.AcceptHandler = c =>
            {
                Assert.That(c.IsDashboard, Is.False);
                Assert.Throws<InvalidOperationException>(() => c.AllowDashboard());
                c.Reject(403);
                return default;
            };
        });
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TestServer.Timeout);

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(server.Uri("/game"), timeout.Token));

        Assert.That(refused!.Message, Does.Contain("403"));
    }

    [Test]
    public async Task HttpHandler_OnOtherPaths_StillAnswers()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Dashboard = true;
            o.HttpHandler = info => new ValueTask<WsHttpResponse?>(info.Path == "/" ? WsHttpResponse.Html("<p>app</p>") : null);
        });

        var (page, body) = await GetAsync(server.Port, "/");
        var (other, _) = await GetAsync(server.Port, "/embedws/other");

        Assert.That(page.Status, Is.EqualTo(200));
        Assert.That(body, Is.EqualTo("<p>app</p>"));
        Assert.That(other.Status, Is.EqualTo(426), "not a dashboard file: the user's handler, then the default answer");
    }

    [Test]
    public async Task Dashboard_Off_PageIsNotServed()
    {
        await using var server = await TestServer.StartAsync(o => o.DashboardToken = DashboardClient.Token);

        var (head, _) = await GetAsync(server.Port, "/embedws/?token=" + DashboardClient.Token);

        Assert.That(head.Status, Is.EqualTo(426));
    }

    [TestCase("embedws/")]
    [TestCase("/embedws")]
    [TestCase("/a b/")]
    [TestCase("/x?y/")]
    [TestCase("//")]
    public void DashboardPath_NotAPlainPathEndingInSlash_Throws(string path) =>
        Assert.Throws<ArgumentException>(() => new WsServerOptions().DashboardPath = path);

    [TestCase("short")]
    [TestCase(" sixteen-chars-padded ")]
    public void DashboardToken_ShortOrPadded_Throws(string token) =>
        Assert.Throws<ArgumentException>(() => new WsServerOptions().DashboardToken = token);

    internal static async Task<(HttpHead Head, string Body)> GetAsync(int port, string target, string headers = "")
    {
        await using var http = await RawClient.ConnectAsync(port);
        await http.SendAsync($"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}\r\n");
        var head = await http.ReadHeadAsync();
        return (head, await http.ReadBodyAsync(head));
    }
}
