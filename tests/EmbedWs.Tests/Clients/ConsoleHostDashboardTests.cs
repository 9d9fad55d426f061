using System.Net.Http;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using EmbedWs.Samples.ConsoleHost;

namespace EmbedWs.Tests.Clients;

/// <summary>The console host's <c>--dashboard</c> and <c>--dashboard-token</c>.</summary>
public class ConsoleHostDashboardTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Test]
    public void Parse_Dashboard_DrawsARandomToken()
    {
        var options = Options.Parse(new[] { "--dashboard" }, out string? error)!;
        var first = new WsServerOptions();
        var second = new WsServerOptions();

        string? token = options.ApplyDashboard(first);
        options.ApplyDashboard(second);

        Assert.That(error, Is.Null);
        Assert.That(first.Dashboard, Is.True);
        Assert.That(token, Does.Match("^[0-9a-f]{32}$"));
        Assert.That(first.DashboardToken, Is.EqualTo(token));
        Assert.That(second.DashboardToken, Is.Not.EqualTo(token));
        Assert.That(options.DashboardUrl(8080, token!), Is.EqualTo("http://localhost:8080/embedws/?token=" + token));
    }

    [Test]
    public void Parse_DashboardToken_TurnsItOnWithThatToken()
    {
        var options = Options.Parse(new[] { "--dashboard-token", "operators-only-0123" }, out _)!;
        var server = new WsServerOptions();

        Assert.That(options.ApplyDashboard(server), Is.EqualTo("operators-only-0123"));
        Assert.That(server.Dashboard, Is.True);
    }

    [Test]
    public void Parse_NoDashboardFlag_LeavesItOff()
    {
        var server = new WsServerOptions();

        Assert.That(Options.Parse(Array.Empty<string>(), out _)!.ApplyDashboard(server), Is.Null);
        Assert.That(server.Dashboard, Is.False);
    }

    [TestCase(new[] { "--dashboard-token", "short" }, "--dashboard-token must be at least 16 characters without spaces.")]
    [TestCase(new[] { "--dashboard=yes" }, "Unknown argument '--dashboard=yes'.")]
    public void Parse_BadDashboardFlag_NamesIt(string[] args, string message)
    {
        Assert.That(Options.Parse(args, out string? error), Is.Null);
        Assert.That(error, Is.EqualTo(message));
    }

    [Test]
    public void Usage_DocumentsTheDashboardFlags() =>
        Assert.That(Options.Usage, Does.Contain("--dashboard ").And.Contain("--dashboard-token T"));

    [Test]
    public async Task Process_Dashboard_PrintsItsUrlWhichServesThePage()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            Assert.Ignore("The host is stopped with SIGTERM, a POSIX signal.");
        }

        using var host = ConsoleHostTests.StartHost("--host", "127.0.0.1", "--port", "0", "--mode", "echo", "--dashboard");
        var line = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.OutputLine += l =>
        {
            if (l.StartsWith("Dashboard: ", StringComparison.Ordinal))
            {
                line.TrySetResult(l);
            }
        };
        if (Regex.Match(host.StandardOutput, "^Dashboard: .*$", RegexOptions.Multiline) is { Success: true } printed)
        {
            line.TrySetResult(printed.Value);
        }

        string url = (await line.Task.WaitAsync(s_timeout)).Substring("Dashboard: ".Length).Trim();
        Assert.That(url, Does.Match(@"^http://127\.0\.0\.1:\d+/embedws/\?token=[0-9a-f]{32}$"));
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { Timeout = s_timeout }; // no cookie: the second request has no token
        using var page = await http.GetAsync(url);
        using var refused = await http.GetAsync(url.Substring(0, url.IndexOf('?')));

        Assert.That((int)page.StatusCode, Is.EqualTo(200));
        Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That((int)refused.StatusCode, Is.EqualTo(401));
        Assert.That(Kill(host.Id, 15), Is.EqualTo(0), "kill(SIGTERM) failed");
        Assert.That(await host.WaitForExitAsync(s_timeout), Is.EqualTo(0), host.Output);
        Assert.That(host.StandardOutput, Does.Contain("Dashboard on at /embedws/"), "the library logs that it is on");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
