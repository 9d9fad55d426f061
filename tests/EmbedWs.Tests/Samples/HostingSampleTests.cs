using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Threading;
using EmbedWs.Samples.Hosting;
using EmbedWs.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EmbedWs.Tests.Samples;

/// <summary>
/// The generic host sample in process, built as its Program builds it (appsettings.json included)
/// with the URL moved to port 0 on the command line: page, welcome, chat, stats, stop.
/// </summary>
public class HostingSampleTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private IHost _host = null!;
    private WsServer _server = null!;

    [SetUp]
    public async Task SetUp()
    {
        _host = SampleHost.Create(new[] { "--EmbedWs:Url=ws://127.0.0.1:0" });
        using var cts = new CancellationTokenSource(s_timeout);
        await _host.StartAsync(cts.Token);
        _server = _host.Services.GetRequiredService<WsServer>();
    }

    [TearDown]
    public async Task TearDown()
    {
        using var cts = new CancellationTokenSource(s_timeout);
        await _host.StopAsync(cts.Token).WaitAsync(s_timeout);
        await ((IAsyncDisposable)_host).DisposeAsync();
    }

    [Test]
    public void Options_ComeFromAppSettingsAndTheCommandLine()
    {
        Assert.That(_server.Options.MaxMessageSize, Is.EqualTo(65536), "appsettings.json");
        Assert.That(_server.Options.StopTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)), "appsettings.json");
        Assert.That(_server.Options.Url, Is.EqualTo("ws://127.0.0.1:0"), "the command line overrides appsettings.json");
        Assert.That(_server.Port, Is.GreaterThan(0));
    }

    [Test]
    public async Task Page_IsServedAtTheRoot()
    {
        using var http = new HttpClient { Timeout = s_timeout };

        var response = await http.GetAsync($"http://127.0.0.1:{_server.Port}/");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("EmbedWs hosting sample"));
    }

    [Test]
    public async Task Chat_WelcomeThenSayThenStats()
    {
        using var ann = await JsonClient.ConnectAsync(_server.Port);
        var welcome = await ann.ReceiveJsonAsync();
        Assert.That((string?)welcome["type"], Is.EqualTo("welcome"));
        using var bob = await JsonClient.ConnectAsync(_server.Port);
        Assert.That((int)(await bob.ReceiveJsonAsync())["data"]!["online"]!, Is.EqualTo(2));

        await ann.SendTextAsync("{\"type\":\"chat.say\",\"data\":{\"text\":\"hi all\"}}");

        long annId = (long)welcome["data"]!["id"]!;
        foreach (var client in new[] { ann, bob })
        {
            var message = await client.ReceiveJsonAsync();
            Assert.That((string?)message["type"], Is.EqualTo("chat.message"));
            Assert.That((long)message["data"]!["from"]!, Is.EqualTo(annId));
            Assert.That((string?)message["data"]!["text"], Is.EqualTo("hi all"));
        }

        await bob.SendTextAsync("{\"type\":\"stats\",\"id\":1,\"data\":{}}");
        Assert.That(await bob.ReceiveTextAsync(), Is.EqualTo("{\"type\":\"stats\",\"id\":1,\"data\":{\"online\":2,\"total\":2}}"));
    }

    [Test]
    public async Task ChatSay_EmptyText_ErrorReplyFromTheHandler()
    {
        using var ann = await JsonClient.ConnectAsync(_server.Port);
        await ann.ReceiveJsonAsync();

        await ann.SendTextAsync("{\"type\":\"chat.say\",\"id\":9,\"data\":{\"text\":\"\"}}");

        var reply = await ann.ReceiveJsonAsync();
        Assert.That((string?)reply["type"], Is.EqualTo("error"));
        Assert.That((string?)reply["error"]!["code"], Is.EqualTo("invalid_text"));
    }

    [Test]
    public async Task Time_Request_IsAnswered()
    {
        using var ann = await JsonClient.ConnectAsync(_server.Port);
        await ann.ReceiveJsonAsync();

        await ann.SendTextAsync("{\"type\":\"time\",\"id\":\"t\",\"data\":{}}");

        var reply = await ann.ReceiveJsonAsync();
        Assert.That((string?)reply["type"], Is.EqualTo("time"));
        Assert.That(reply["data"]!["utc"], Is.Not.Null);
    }

    [Test]
    public async Task HostStop_ClosesClientsWith1001()
    {
        using var ann = await JsonClient.ConnectAsync(_server.Port);
        await ann.ReceiveJsonAsync();

        using var cts = new CancellationTokenSource(s_timeout);
        var stopping = _host.StopAsync(cts.Token);
        var (status, _) = await ann.ReceiveCloseAsync();
        await stopping.WaitAsync(s_timeout);

        Assert.That(status, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
    }
}
