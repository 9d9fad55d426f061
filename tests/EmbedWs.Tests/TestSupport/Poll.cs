using System.Diagnostics;

namespace EmbedWs.Tests.TestSupport;

// Waits for a condition that no event announces (a counter, a property), checking it often,
// and fails the test when it does not hold within the timeout. Not a sleep: it returns as soon
// as the condition holds.
internal static class Poll
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task UntilAsync(Func<bool> condition, string because, TimeSpan? within = null)
    {
        var limit = within ?? Timeout;
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"{because} (not within {limit.TotalSeconds} s)");
            }

            await Task.Delay(2);
        }
    }

    /// <summary>As the other overload, for a condition that asks something over the network (each check awaited before the next).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string because, TimeSpan? within = null)
    {
        var limit = within ?? Timeout;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"{because} (not within {limit.TotalSeconds} s)");
            }

            await Task.Delay(10);
        }
    }
}
