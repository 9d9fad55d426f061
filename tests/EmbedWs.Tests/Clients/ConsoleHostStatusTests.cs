using System.Linq;
using System.Net;
using EmbedWs.Samples.ConsoleHost;
using EmbedWs.Tests.TestSupport;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Tests.Clients;

/// <summary>The console host's <c>GET /status</c>: the server's snapshot as JSON.</summary>
public class ConsoleHostStatusTests
{
    [Test]
    public async Task Status_WithOneEchoClient_ShowsItsConnectionAndTraffic()
    {
        var options = new WsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) };
        await using var server = ConsoleHostServer.Create(HostMode.Echo, options);
        await server.StartAsync();
        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendAsync(new RawRequest(server.Port, "/ws").ToBytes());
        Assert.That((await client.ReadHeadAsync()).Status, Is.EqualTo(101));
        await client.SendAsync(ClientFrame.Text("hi"));
        Assert.That(await client.ReadTextAsync(), Is.EqualTo("hi"));

        await using var http = await RawClient.ConnectAsync(server.Port);
        await http.SendAsync($"GET /status HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\n\r\n");
        var head = await http.ReadHeadAsync();
        var status = JObject.Parse(await http.ReadBodyAsync(head));

        Assert.That(head.Status, Is.EqualTo(200));
        Assert.That(head.Header("Content-Type"), Does.StartWith("application/json"));
        Assert.That((int)status["activeConnections"]!, Is.EqualTo(1));
        Assert.That((long)status["messagesReceived"]!, Is.EqualTo(1));
        var connection = (JObject)((JArray)status["connections"]!).Single();
        Assert.That((string?)connection["path"], Is.EqualTo("/ws"));
        Assert.That((string?)connection["state"], Is.EqualTo("Open"));
        Assert.That((long)connection["messagesSent"]!, Is.EqualTo(1));
    }
}
