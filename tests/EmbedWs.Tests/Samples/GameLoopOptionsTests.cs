using EmbedWs.Samples.GameLoop;

namespace EmbedWs.Tests.Samples;

public class GameLoopOptionsTests
{
    [Test]
    public void Parse_NoArguments_IsLocalhost8081At20Ticks()
    {
        var options = Options.Parse(Array.Empty<string>(), out string? error);

        Assert.That(error, Is.Null);
        Assert.That(options!.ListenUrl, Is.EqualTo("ws://localhost:8081"));
        Assert.That(options.TickRate, Is.EqualTo(20));
        Assert.That(options.PageUrl(8081), Is.EqualTo("http://localhost:8081/"));
    }

    [TestCase(new[] { "--port", "0", "--tick-rate", "50" }, "ws://localhost:0", 50)]
    [TestCase(new[] { "--tick-rate=1000", "--host=127.0.0.1" }, "ws://127.0.0.1:8081", 1000)]
    public void Parse_Flags_AreApplied(string[] args, string url, int tickRate)
    {
        var options = Options.Parse(args, out _);

        Assert.That(options!.ListenUrl, Is.EqualTo(url));
        Assert.That(options.TickRate, Is.EqualTo(tickRate));
    }

    [TestCase(new[] { "--tick-rate", "0" }, "--tick-rate must be a number from 1 to 1000")]
    [TestCase(new[] { "--tick-rate", "1001" }, "--tick-rate must be a number from 1 to 1000")]
    [TestCase(new[] { "--tick-rate" }, "--tick-rate needs a value")]
    [TestCase(new[] { "--port", "x" }, "--port must be a number")]
    [TestCase(new[] { "--mode", "chat" }, "Unknown argument '--mode'")]
    public void Parse_BadFlag_NamesIt(string[] args, string message)
    {
        Assert.That(Options.Parse(args, out string? error), Is.Null);
        Assert.That(error, Does.StartWith(message));
    }
}
