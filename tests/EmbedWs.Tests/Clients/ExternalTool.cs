using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Runtime.InteropServices;

namespace EmbedWs.Tests.Clients;

/// <summary>
/// Finds the repo and the outside tools (node, chromium) that the client tests drive. A missing
/// tool ignores the test locally, with the command that installs it, and fails it in CI
/// (<c>CI=true</c>), where <c>.ci/run</c> installs every tool first.
/// </summary>
internal static class ExternalTool
{
    private static readonly Lazy<string> s_repoRoot = new(FindRepoRoot);

    // The hints already printed in this run.
    private static readonly ConcurrentDictionary<string, bool> s_told = new();

    /// <summary>The folder that holds EmbedWs.sln.</summary>
    public static string RepoRoot => s_repoRoot.Value;

    public static bool IsCi => Environment.GetEnvironmentVariable("CI") == "true";

    /// <summary>
    /// Ignores the test with <paramref name="message"/>, or fails it when running in CI. The first
    /// time a message is given in a run, it is also printed where a plain <c>dotnet test</c>
    /// shows it: an ignored test's reason appears only at detailed verbosity, and so does
    /// <c>TestContext.Progress</c>, but the adapter passes standard error on at every verbosity.
    /// </summary>
    [DoesNotReturn]
    public static void Missing(string message)
    {
        if (IsCi)
        {
            Assert.Fail(message + " (CI=true: .ci/run must install it)");
        }

        if (s_told.TryAdd(message, true))
        {
            TestContext.Error.WriteLine($"Skipping the tests that need it: {message}");
        }

        Assert.Ignore(message);
        throw new UnreachableException();
    }

    /// <summary>The full path of an executable on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        string file = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? name + ".exe" : name;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, file)))
            {
                return Path.Combine(dir, file);
            }
        }

        return null;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EmbedWs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No EmbedWs.sln above {TestContext.CurrentContext.TestDirectory}.");
    }
}
