using EmbedWs.Tests.TestSupport;

namespace EmbedWs.Tests.Routing;

/// <summary>
/// WsServerOptions.RoutePath: routes answer on that path only; text on any other path goes to
/// OnMessage as it came, even a routable envelope, so one port serves JSON routes beside plain streams.
/// </summary>
public class RoutePathTests
{
    [Test]
    public async Task RoutePath_OnThatPath_Routes_ElsewhereOnMessage()
    {
        var echoed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RoutingFixture.StartAsync(
            s => s.OnMessage += (c, m) => echoed.TrySetResult(c.Info.Path + " " + m.Text),
            o => o.RoutePath = "/rpc");
        using var rpc = await JsonClient.ConnectAsync(server.Port, "/rpc");
        using var plain = await JsonClient.ConnectAsync(server.Port, "/stream");

        await plain.SendTextAsync(RoutingFixture.Add(1, 1, 2));
        await RoutingFixture.AssertStillRoutesAsync(rpc);

        Assert.That(await echoed.Task.WaitAsync(JsonClient.Timeout), Is.EqualTo("/stream " + RoutingFixture.Add(1, 1, 2)));
    }

    [Test]
    public void RoutePath_WithoutLeadingSlash_Refused()
    {
        var options = new WsServerOptions();

        Assert.Throws<ArgumentException>(() => options.RoutePath = "rpc");
    }
}
