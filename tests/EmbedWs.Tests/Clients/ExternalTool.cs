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

    /// <summary>The folder that holds EmbedWs.sln.</summary>
    public static string RepoRoot => s_repoRoot.Value;

    public static bool IsCi => Environment.GetEnvironmentVariable("CI") == "true";

    /// <summary>Ignores the test with <paramref name="message"/>, or fails it when running in CI.</summary>
    [DoesNotReturn]
    public static void Missing(string message)
    {
        if (IsCi)
        {
            Assert.Fail(message + " (CI=true: .ci/run must install it)");
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
