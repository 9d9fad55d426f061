using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using EmbedWs.Tests.TestSupport;
using Newtonsoft.Json.Linq;

namespace EmbedWs.Tests.Samples;

// Reading the game loop's messages from a JsonClient: skip world broadcasts until the one a test
// waits for. Each read and the whole wait are bounded; nothing sleeps.
internal static class GameMessageReader
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    // Sends a hello request and returns the reply's data; world broadcasts before it are skipped.
    public static async Task<JObject> HelloAsync(JsonClient client, string name)
    {
        await client.SendTextAsync($"{{\"type\":\"hello\",\"id\":1,\"data\":{{\"name\":\"{name}\"}}}}");
        var reply = await NextAsync(client, m => (string?)m["type"] is "hello" or "error", "the hello reply");
        Assert.That((string?)reply["type"], Is.EqualTo("hello"), reply.ToString());
        Assert.That((int?)reply["id"], Is.EqualTo(1));
        return (JObject)reply["data"]!;
    }

    // The data of the first world broadcast that satisfies the condition.
    public static async Task<JObject> WorldWhereAsync(JsonClient client, Func<JObject, bool> condition, string what)
    {
        var message = await NextAsync(client, m => (string?)m["type"] == "world" && condition((JObject)m["data"]!), what);
        return (JObject)message["data"]!;
    }

    public static async Task<JObject> NextAsync(JsonClient client, Func<JObject, bool> match, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Timeout)
        {
            var message = await client.ReceiveJsonAsync();
            if (match(message))
            {
                return message;
            }
        }

        Assert.Fail($"no message with {what} within {Timeout.TotalSeconds} s");
        throw new UnreachableException();
    }

    public static long Tick(JObject world) => (long)world["tick"]!;

    public static List<JObject> Players(JObject world) => ((JArray)world["players"]!).Cast<JObject>().ToList();

    public static JObject? Player(JObject world, long id) => Players(world).FirstOrDefault(p => (long)p["id"]! == id);

    public static double X(JObject player) => (double)player["x"]!;

    public static double Y(JObject player) => (double)player["y"]!;
}
