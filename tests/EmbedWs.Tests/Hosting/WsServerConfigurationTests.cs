using System.Security.Authentication;
using EmbedWs.Dispatch;
using static EmbedWs.Tests.Hosting.HostingFixture;

namespace EmbedWs.Tests.Hosting;

/// <summary>WsServerOptions read from configuration: every key, their formats, and errors that name the key.</summary>
public class WsServerConfigurationTests
{
    [Test]
    public void EveryKey_IsApplied()
    {
        var o = OptionsFrom(
            ("Url", "ws://0.0.0.0:9001"),
            ("MaxMessageSize", "4096"),
            ("MaxHandshakeSize", "2048"),
            ("MaxSendQueueBytes", "65536"),
            ("MaxInboundQueueBytes", "32768"),
            ("MaxQueuedEvents", "500"),
            ("ListenBacklog", "64"),
            ("HandshakeTimeout", "00:00:02"),
            ("CloseTimeout", "00:00:03.5"),
            ("StopTimeout", "00:01:00"),
            ("Dispatch", "Queued"),
            ("RoutePath", "/rpc"),
            ("SslProtocols", "Tls13"),
            ("AllowedOrigins:0", "https://a.example"),
            ("AllowedOrigins:1", "https://b.example"),
            ("SupportedSubProtocols:0", "game.v2"),
            ("SupportedSubProtocols:1", "game.v1"),
            ("Compression", "true"),
            ("CompressionThreshold", "256"),
            ("CompressionLevel", "Optimal"),
            ("CompressionServerContextTakeover", "true"),
            ("CompressionClientContextTakeover", "false"),
            ("Dashboard", "true"),
            ("DashboardPath", "/ops/"),
            ("DashboardToken", "from-a-secret-store-0123"),
            ("DashboardMaxRows", "25"));

        Assert.Multiple(() =>
        {
            Assert.That(o.Url, Is.EqualTo("ws://0.0.0.0:9001"));
            Assert.That(o.MaxMessageSize, Is.EqualTo(4096));
            Assert.That(o.MaxHandshakeSize, Is.EqualTo(2048));
            Assert.That(o.MaxSendQueueBytes, Is.EqualTo(65536));
            Assert.That(o.MaxInboundQueueBytes, Is.EqualTo(32768));
            Assert.That(o.MaxQueuedEvents, Is.EqualTo(500));
            Assert.That(o.ListenBacklog, Is.EqualTo(64));
            Assert.That(o.HandshakeTimeout, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(o.CloseTimeout, Is.EqualTo(TimeSpan.FromSeconds(3.5)));
            Assert.That(o.StopTimeout, Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(o.Dispatch, Is.EqualTo(EventDispatch.Queued));
            Assert.That(o.RoutePath, Is.EqualTo("/rpc"));
            Assert.That(o.SslProtocols, Is.EqualTo(SslProtocols.Tls13));
            Assert.That(o.AllowedOrigins, Is.EqualTo(new[] { "https://a.example", "https://b.example" }));
            Assert.That(o.SupportedSubProtocols, Is.EqualTo(new[] { "game.v2", "game.v1" }));
            Assert.That(o.Compression, Is.True);
            Assert.That(o.CompressionThreshold, Is.EqualTo(256));
            Assert.That(o.CompressionLevel, Is.EqualTo(System.IO.Compression.CompressionLevel.Optimal));
            Assert.That(o.CompressionServerContextTakeover, Is.True);
            Assert.That(o.CompressionClientContextTakeover, Is.False);
            Assert.That(o.Dashboard, Is.True);
            Assert.That(o.DashboardPath, Is.EqualTo("/ops/"));
            Assert.That(o.DashboardToken, Is.EqualTo("from-a-secret-store-0123"));
            Assert.That(o.DashboardMaxRows, Is.EqualTo(25));
        });
    }

    [Test]
    public void EmptySection_KeepsDefaults()
    {
        var o = OptionsFrom();
        var defaults = new WsServerOptions();

        Assert.That(o.Url, Is.Null);
        Assert.That(o.AllowedOrigins, Is.Null);
        Assert.That(o.MaxMessageSize, Is.EqualTo(defaults.MaxMessageSize));
        Assert.That(o.HandshakeTimeout, Is.EqualTo(defaults.HandshakeTimeout));
        Assert.That(o.Dispatch, Is.EqualTo(defaults.Dispatch));
    }

    [Test]
    public void EmptyValue_CountsAsNotSet()
    {
        var o = OptionsFrom(("MaxMessageSize", ""), ("Url", null), ("AllowedOrigins", ""));

        Assert.That(o.MaxMessageSize, Is.EqualTo(new WsServerOptions().MaxMessageSize));
        Assert.That(o.Url, Is.Null);
        Assert.That(o.AllowedOrigins, Is.Null);
    }

    [Test]
    public void Keys_AreCaseInsensitive_AndSoAreEnumNames()
    {
        var o = OptionsFrom(("maxmessagesize", "100"), ("DISPATCH", "inline"), ("sslProtocols", "tls12, TLS13"));

        Assert.That(o.MaxMessageSize, Is.EqualTo(100));
        Assert.That(o.Dispatch, Is.EqualTo(EventDispatch.Inline));
        Assert.That(o.SslProtocols, Is.EqualTo(SslProtocols.Tls12 | SslProtocols.Tls13));
    }

    [Test]
    public void List_AsOneCommaSeparatedValue_IsSplitAndTrimmed()
    {
        var o = OptionsFrom(("AllowedOrigins", "https://a.example, https://b.example,"));

        Assert.That(o.AllowedOrigins, Is.EqualTo(new[] { "https://a.example", "https://b.example" }));
    }

    [TestCase("MaxMessageSize", "0", "'0' is not valid: MaxMessageSize must be from 1 to 1073741823.")]
    [TestCase("MaxMessageSize", "1mb", "'1mb' is not a whole number.")]
    [TestCase("MaxMessageSize", "99999999999", "is not a whole number.")]
    [TestCase("MaxSendQueueBytes", "10", "MaxSendQueueBytes must be from 1024")]
    [TestCase("ListenBacklog", "70000", "ListenBacklog must be from 1 to 65535.")]
    [TestCase("HandshakeTimeout", "15", "'15' is not a duration; write hh:mm:ss")]
    [TestCase("HandshakeTimeout", "5s", "'5s' is not a duration")]
    [TestCase("CloseTimeout", "00:00:00", "the duration must be positive.")]
    [TestCase("StopTimeout", "-00:00:01", "the duration must be positive.")]
    [TestCase("Dispatch", "Fast", "'Fast' is not one of: Inline, ThreadPool, Queued.")]
    [TestCase("Dispatch", "2", "'2' is not one of")]
    [TestCase("SslProtocols", "Tls99", "'Tls99' is not one of")]
    [TestCase("Url", "http://localhost:8080", "is not a ws:// or wss:// URL")]
    [TestCase("RoutePath", "rpc", "'rpc' is not valid: A route path starts with '/'")]
    [TestCase("DashboardPath", "ops", "'ops' is not valid: DashboardPath must be a plain path that starts and ends with '/'")]
    [TestCase("DashboardMaxRows", "0", "'0' is not valid: DashboardMaxRows must be from 1 to 1000.")]
    [TestCase("MaxMesageSize", "1024", "is not a known key. Known keys: AllowedOrigins, CloseTimeout, Compression, CompressionClientContextTakeover, CompressionLevel,")]
    [TestCase("Endpoint", "127.0.0.1:8080", "is not read from configuration: use Url instead")]
    [TestCase("Certificate", "server.pfx", "is not read from configuration: set it in code")]
    [TestCase("LoggerFactory", "x", "the host's ILoggerFactory is used")]
    public void BadValue_ThrowsNamingTheKey(string key, string value, string problem)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => OptionsFrom((key, value)));

        Assert.That(ex!.Message, Does.StartWith($"EmbedWs configuration: 'EmbedWs:{key}' "));
        Assert.That(ex.Message, Does.Contain(problem));
    }

    [Test]
    public void DashboardToken_TooShort_ThrowsWithoutShowingIt()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => OptionsFrom(("DashboardToken", "hunter2")));

        Assert.That(ex!.Message, Is.EqualTo("EmbedWs configuration: 'EmbedWs:DashboardToken' is not valid: it needs at least 16 characters (the value is not shown)."));
    }

    [Test]
    public void SectionWhereAValueBelongs_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => OptionsFrom(("MaxMessageSize:Value", "10")));

        Assert.That(ex!.Message, Is.EqualTo("EmbedWs configuration: 'EmbedWs:MaxMessageSize' must be a single value, not a section."));
    }

    [Test]
    public void EmptyListItem_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => OptionsFrom(("AllowedOrigins:0", "https://a.example"), ("AllowedOrigins:1", "")));

        Assert.That(ex!.Message, Does.StartWith("EmbedWs configuration: 'EmbedWs:AllowedOrigins:1' is empty"));
    }

    [Test]
    public void OutOfRangeValue_KeepsTheOptionsExceptionAsInner()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => OptionsFrom(("MaxMessageSize", "-1")));

        Assert.That(ex!.InnerException, Is.TypeOf<ArgumentOutOfRangeException>());
    }
}
