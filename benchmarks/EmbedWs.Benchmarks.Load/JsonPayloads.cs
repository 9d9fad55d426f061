using System;
using System.Globalization;
using System.Text;

namespace EmbedWs.Benchmarks.Load;

/// <summary>
/// Chatty JSON as games and telemetry send it: an array of entity states whose names and keys
/// repeat and whose numbers vary. Generated from a fixed seed, so every run and every server sees
/// the same messages; each message is padded with spaces (still valid JSON) to exactly the size
/// asked for, so an echoed reply's length can be checked after it is inflated.
/// </summary>
internal static class JsonPayloads
{
    private static readonly string[] s_kinds = { "player", "npc", "projectile", "pickup", "vehicle" };
    private static readonly string[] s_states = { "idle", "moving", "attacking", "dead", "spawning" };

    /// <summary><paramref name="count"/> different messages of exactly <paramref name="size"/> bytes (UTF-8, ASCII only).</summary>
    public static byte[][] Create(int count, int size)
    {
        var random = new Random(20261206);
        var messages = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            messages[i] = One(random, i, size);
        }

        return messages;
    }

    private static byte[] One(Random random, int tick, int size)
    {
        var sb = new StringBuilder(size + 256);
        sb.Append("{\"type\":\"world.state\",\"tick\":").Append(tick).Append(",\"entities\":[");
        const string End = "]}";
        int n = 0;
        while (true)
        {
            string entity = Entity(random, n);
            // Room for the separator, the closing brackets, and at least nothing more.
            if (sb.Length + entity.Length + 1 + End.Length > size)
            {
                break;
            }

            if (n > 0)
            {
                sb.Append(',');
            }

            sb.Append(entity);
            n++;
        }

        sb.Append(End);
        if (sb.Length > size)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "too small for one JSON state message");
        }

        sb.Append(' ', size - sb.Length);
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static string Entity(Random random, int n) => string.Create(CultureInfo.InvariantCulture,
        $"{{\"id\":{1000 + n},\"kind\":\"{s_kinds[random.Next(s_kinds.Length)]}\",\"state\":\"{s_states[random.Next(s_states.Length)]}\"," +
        $"\"pos\":{{\"x\":{random.NextDouble() * 2000 - 1000:0.00},\"y\":{random.NextDouble() * 100:0.00},\"z\":{random.NextDouble() * 2000 - 1000:0.00}}}," +
        $"\"hp\":{random.Next(0, 101)},\"speed\":{random.NextDouble() * 12:0.000}}}");
}
