using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using EmbedWs.Routing;
using EmbedWs.Tests.Routing;
using EmbedWs.Tests.TestSupport;
using EmbedWs.Transport;
using Microsoft.Extensions.Logging;

namespace EmbedWs.Tests.Observability;

/// <summary>
/// The library's log lines: one [LoggerMessage] class per component with stable, unique event
/// ids in its own hundred, and nothing above Debug for each message of normal traffic (nor for
/// a client's bad messages: those are answered, counted, and must not flood the log).
/// </summary>
public class LoggingTests
{
    // Each log class and the hundred its event ids live in.
    private static readonly Dictionary<string, int> s_ranges = new()
    {
        ["EmbedWs.Transport.TransportLog"] = 100,
        ["EmbedWs.ServerLog"] = 200,
        ["EmbedWs.Heartbeat.HeartbeatLog"] = 300,
        ["EmbedWs.Routing.RoutingLog"] = 400,
        ["EmbedWs.Dashboard.DashboardLog"] = 800,
    };

    [Test]
    public void LogClasses_EventIds_AreUniqueAndInTheirComponentsRange()
    {
        var messages = typeof(IWsConnection).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Select(m => (Type: t, Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>())))
            .Where(x => x.Attribute is not null)
            .ToList();

        Assert.That(messages.Select(m => m.Type.FullName).Distinct(), Is.EquivalentTo(s_ranges.Keys), "one log class per component");
        Assert.That(messages.Select(m => m.Attribute!.EventId), Is.Unique);
        foreach (var (type, method, attribute) in messages)
        {
            int first = s_ranges[type.FullName!];
            Assert.That(attribute!.EventId, Is.InRange(first, first + 99), $"{type.Name}.{method.Name}");
        }
    }

    [Test]
    public async Task Traffic_EchoAndBadRoutedMessages_LogNothingAboveDebugPerMessage()
    {
        var logs = new RecordingLoggerFactory();
        await using var server = await RoutingFixture.StartAsync(
            s => s.Route<AddRequest>("taken", (c, r) => throw new WsReplyException("name_taken", "taken")),
            o => o.LoggerFactory = logs);
        server.Server.OnMessage += RecordingServer.Echo;
        using var client = await JsonClient.ConnectAsync(server.Port);
        await server.NextConnectionAsync();
        int startup = logs.Entries.Count;

        for (int i = 0; i < 100; i++)
        {
            await client.SendBinaryAsync(new byte[] { (byte)i });
            await client.ReceiveAsync();
            await client.SendTextAsync(RoutingFixture.Add(i, i, 1));
            await client.ReceiveTextAsync();
            await client.SendTextAsync("not json");
            await client.ReceiveTextAsync();
            await client.SendTextAsync("{\"type\":\"nope\",\"id\":1}");
            await client.ReceiveTextAsync();
            await client.SendTextAsync("{\"type\":\"taken\",\"id\":1,\"data\":{\"a\":1,\"b\":2}}");
            await client.ReceiveTextAsync();
        }

        var perMessage = logs.Entries.Skip(startup).ToList();
        Assert.That(perMessage.Where(e => e.Level > LogLevel.Debug).Select(e => $"{e.Level} {e.Category} {e.EventId}"), Is.Empty);
        Assert.That(perMessage.Count(e => e.EventId == 400), Is.EqualTo(200), "the client's errors are still logged, at Debug");
    }
}
