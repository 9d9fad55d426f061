using EmbedWs.Heartbeat;
using static EmbedWs.Tests.Hosting.HostingFixture;

namespace EmbedWs.Tests.Hosting;

/// <summary>The Heartbeat key: one word or { Kind, Interval, Timeout }, mapped to the built-in policies.</summary>
public class HeartbeatConfigurationTests
{
    [Test]
    public void PingPong_WithIntervalAndTimeout_TicksForTheShorter()
    {
        var policy = OptionsFrom(("Heartbeat:Kind", "PingPong"), ("Heartbeat:Interval", "00:00:02"), ("Heartbeat:Timeout", "00:00:01")).Heartbeat;

        Assert.That(policy, Is.TypeOf<PingPongHeartbeat>());
        Assert.That(policy.TickInterval, Is.EqualTo(TimeSpan.FromMilliseconds(250)), "a quarter of the 1 s timeout");
    }

    [Test]
    public void IntervalWithoutKind_IsPingPong()
    {
        var policy = OptionsFrom(("Heartbeat:Interval", "00:00:04")).Heartbeat;

        Assert.That(policy, Is.TypeOf<PingPongHeartbeat>());
        Assert.That(policy.TickInterval, Is.EqualTo(TimeSpan.FromSeconds(1)), "a quarter of the 4 s interval (timeout 10 s by default)");
    }

    [TestCase("None")]
    [TestCase("none")]
    public void None_AsOneWord_IsNoHeartbeat(string word)
    {
        Assert.That(OptionsFrom(("Heartbeat", word)).Heartbeat, Is.SameAs(EmbedWs.HeartbeatPolicy.None));
    }

    [Test]
    public void IdleTimeout_WithTimeout_IsIdleTimeoutPolicy()
    {
        var policy = OptionsFrom(("Heartbeat:Kind", "IdleTimeout"), ("Heartbeat:Timeout", "00:00:20")).Heartbeat;

        Assert.That(policy, Is.TypeOf<IdleTimeoutHeartbeat>());
    }

    [Test]
    public void JsonPingPong_AsOneWord_IsPingPongPolicyWithDefaults()
    {
        var policy = OptionsFrom(("Heartbeat", "JsonPingPong")).Heartbeat;

        Assert.That(policy, Is.TypeOf<PingPongHeartbeat>());
        Assert.That(policy.TickInterval, Is.EqualTo(TimeSpan.FromSeconds(2.5)), "a quarter of the 10 s default timeout");
    }

    [TestCase("Heartbeat:Kind", "Pong", "EmbedWs:Heartbeat:Kind", "'Pong' is not one of: PingPong, JsonPingPong, IdleTimeout, None.")]
    [TestCase("Heartbeat", "Pong", "EmbedWs:Heartbeat", "'Pong' is not one of")]
    [TestCase("Heartbeat:Intervall", "00:00:01", "EmbedWs:Heartbeat:Intervall", "is not a known key. Heartbeat keys: Kind, Interval, Timeout.")]
    [TestCase("Heartbeat:Interval", "10", "EmbedWs:Heartbeat:Interval", "is not a duration")]
    [TestCase("Heartbeat:Timeout", "00:00:00", "EmbedWs:Heartbeat:Timeout", "must be positive")]
    public void BadValue_ThrowsNamingTheKey(string key, string value, string path, string problem)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => OptionsFrom((key, value)));

        Assert.That(ex!.Message, Does.StartWith($"EmbedWs configuration: '{path}' "));
        Assert.That(ex.Message, Does.Contain(problem));
    }

    [Test]
    public void IdleTimeout_WithInterval_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            OptionsFrom(("Heartbeat:Kind", "IdleTimeout"), ("Heartbeat:Interval", "00:00:05")));

        Assert.That(ex!.Message, Is.EqualTo("EmbedWs configuration: 'EmbedWs:Heartbeat:Interval' does not apply to the IdleTimeout heartbeat."));
    }

    [Test]
    public void None_WithTimeout_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            OptionsFrom(("Heartbeat:Kind", "None"), ("Heartbeat:Timeout", "00:00:05")));

        Assert.That(ex!.Message, Does.StartWith("EmbedWs configuration: 'EmbedWs:Heartbeat:Timeout' does not apply"));
    }
}
