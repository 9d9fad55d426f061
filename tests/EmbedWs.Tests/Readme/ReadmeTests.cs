using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace EmbedWs.Tests.Readme;

/// <summary>
/// Every C# block of the documentation (README.md, CONTRIBUTING.md, CHANGELOG.md, docs/*.md) is
/// compiled: it must be, line for line, the <c>#region snippet</c> parts of one file of
/// tests/EmbedWs.Readme (a project the solution builds), named by a
/// <c>&lt;!-- snippet: Name --&gt;</c> line just above the block. Indentation is compared after
/// removing each part's common indent, so a snippet may live inside a method. Every snippet file
/// is shown somewhere, compiles with <c>using EmbedWs;</c> as its only EmbedWs namespace (plus
/// <c>EmbedWs.Hosting</c> for the hosting ones), and every link between the pages leads to a
/// file and a heading that exist.
/// </summary>
public class ReadmeTests
{
    /// <summary>README.md is the NuGet page of both packages: it stays short.</summary>
    private const int ReadmeMaxBytes = 15_000;

    /// <summary>Links to the repository on GitHub (needed on the NuGet page) are checked as repository paths.</summary>
    private const string RepoUrl = "https://github.com/embedws/embedws/blob/main/";

    private static readonly Regex s_marker = new(@"^<!-- snippet: (?<name>[A-Za-z0-9_]+) -->$");
    private static readonly Regex s_fence = new(@"^\s*```(?<lang>\S*)\s*$");
    private static readonly Regex s_link = new(@"\]\((?<target>[^)\s]+)\)");
    private static readonly Regex s_usingEmbedWs = new(@"^\s*using\s+(?<ns>EmbedWs(\.[A-Za-z0-9_.]+)?)\s*;", RegexOptions.Multiline);
    private static readonly Regex s_namespace = new(@"^\s*namespace\s+(?<ns>[A-Za-z0-9_.]+)", RegexOptions.Multiline);

    private static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EmbedWs.sln")))
            {
                dir = dir.Parent;
            }

            Assert.That(dir, Is.Not.Null, "the repository root (EmbedWs.sln) was not found above the test directory");
            return dir!.FullName;
        }
    }

    private static string SnippetDir => Path.Combine(RepoRoot, "tests", "EmbedWs.Readme");

    /// <summary>The documentation pages, as paths from the repository root.</summary>
    private static IEnumerable<string> Documents()
    {
        foreach (var name in new[] { "README.md", "CONTRIBUTING.md", "CHANGELOG.md" })
        {
            if (File.Exists(Path.Combine(RepoRoot, name)))
            {
                yield return name;
            }
        }

        string docs = Path.Combine(RepoRoot, "docs");
        if (Directory.Exists(docs))
        {
            foreach (var file in Directory.GetFiles(docs, "*.md").OrderBy(f => f, StringComparer.Ordinal))
            {
                yield return "docs/" + Path.GetFileName(file);
            }
        }
    }

    private static IEnumerable<string> SnippetFiles() =>
        Directory.GetFiles(SnippetDir, "*.cs").Where(f => File.ReadAllText(f).Contains("#region snippet")).OrderBy(f => f, StringComparer.Ordinal);

    [Test]
    public void Docs_EveryCSharpBlock_IsACompiledSnippet()
    {
        int checkedBlocks = 0;
        foreach (var document in Documents())
        {
            var lines = File.ReadAllLines(Path.Combine(RepoRoot, document));
            foreach (var (lang, line) in Fences(lines))
            {
                Assert.That(lang, Is.Not.AnyOf("cs", "c#", "C#", "CSharp"), $"{document} line {line}: write C# blocks as ```csharp, with a snippet (they are compiled)");
                Assert.That(lang != "csharp" || lines[line - 1].StartsWith("```", StringComparison.Ordinal), Is.True,
                    $"{document} line {line}: a ```csharp fence must start its line (an indented one would not be checked)");
            }

            foreach (var (name, line, code) in ReadCSharpBlocks(lines))
            {
                Assert.That(name, Is.Not.Null, $"{document} line {line}: a ```csharp block needs a '<!-- snippet: Name -->' line above it (and tests/EmbedWs.Readme/Name.cs)");
                string file = Path.Combine(SnippetDir, name + ".cs");
                Assert.That(File.Exists(file), Is.True, $"{document} line {line}: {file} does not exist");
                var expected = ReadSnippet(File.ReadAllLines(file));
                Assert.That(
                    string.Join("\n", code),
                    Is.EqualTo(string.Join("\n", expected)),
                    $"{document} line {line} differs from the #region snippet parts of {name}.cs: change both together");
                checkedBlocks++;
            }
        }

        Assert.That(checkedBlocks, Is.GreaterThan(0), "no ```csharp block was found in the documentation");
    }

    [Test]
    public void Docs_EverySnippetFile_IsShownInTheReadmeOrTheDocs()
    {
        var shown = Documents()
            .SelectMany(d => ReadCSharpBlocks(File.ReadAllLines(Path.Combine(RepoRoot, d))))
            .Select(b => b.Name)
            .ToHashSet();
        var files = SnippetFiles().Select(Path.GetFileNameWithoutExtension);
        Assert.That(files.Where(f => !shown.Contains(f)), Is.Empty, "snippet files that no README or docs/ block shows");
    }

    [Test]
    public void SnippetFiles_NeedOnlyUsingEmbedWs()
    {
        // The snippets live outside namespace EmbedWs, so they compile only with the usings a
        // reader's app has: 'using EmbedWs;' (and 'using EmbedWs.Hosting;' for the generic host,
        // with 'using EmbedWs.AspNetCore;' inside ASP.NET Core).
        foreach (var file in SnippetFiles())
        {
            string name = Path.GetFileName(file);
            string text = File.ReadAllText(file);
            foreach (Match ns in s_namespace.Matches(text))
            {
                string value = ns.Groups["ns"].Value;
                Assert.That(value == "EmbedWs" || value.StartsWith("EmbedWs.", StringComparison.Ordinal), Is.False,
                    $"{name}: namespace {value} would see EmbedWs without a using; put the snippet in namespace Snippets");
            }

            var usings = s_usingEmbedWs.Matches(text).Select(m => m.Groups["ns"].Value).ToList();
            Assert.That(usings, Does.Contain("EmbedWs"), $"{name}: needs 'using EmbedWs;'");
            foreach (var ns in usings.Where(u => u != "EmbedWs"))
            {
                bool hosting = ns == "EmbedWs.Hosting" && name.StartsWith("Hosting", StringComparison.Ordinal);
                bool aspNetCore = ns is "EmbedWs.Hosting" or "EmbedWs.AspNetCore" && name.StartsWith("AspNetCore", StringComparison.Ordinal);
                bool testing = ns == "EmbedWs.Testing" && name.StartsWith("Testing", StringComparison.Ordinal);
                bool scaleOut = ns is "EmbedWs.Redis" or "EmbedWs.Hosting" && name.StartsWith("ScaleOut", StringComparison.Ordinal);
                Assert.That(hosting || aspNetCore || testing || scaleOut, Is.True, $"{name}: 'using {ns};': an app needs only 'using EmbedWs;' (and EmbedWs.Hosting for the generic host, in a Hosting*.cs snippet; with EmbedWs.AspNetCore in an AspNetCore*.cs one; EmbedWs.Testing in a Testing*.cs one; EmbedWs.Redis, with EmbedWs.Hosting, in a ScaleOut*.cs one)");
            }
        }
    }

    [Test]
    public void Docs_Links_LeadToFilesAndHeadingsThatExist()
    {
        var problems = new List<string>();
        foreach (var document in Documents())
        {
            string[] lines = File.ReadAllLines(Path.Combine(RepoRoot, document));
            bool inCode = false;
            for (int i = 0; i < lines.Length; i++)
            {
                if (s_fence.IsMatch(lines[i]))
                {
                    inCode = !inCode;
                    continue;
                }

                if (inCode)
                {
                    continue;
                }

                foreach (Match m in s_link.Matches(lines[i]))
                {
                    if (CheckLink(document, m.Groups["target"].Value) is { } problem)
                    {
                        problems.Add($"{document} line {i + 1}: {m.Groups["target"].Value}: {problem}");
                    }
                }
            }
        }

        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void Docs_NameNoPathOutsideTheRepository()
    {
        foreach (var document in Documents())
        {
            string text = File.ReadAllText(Path.Combine(RepoRoot, document));
            Assert.That(text, Does.Not.Contain("../shared").And.Not.Contain("/work/"), $"{document} names a path outside the repository");
        }
    }

    [Test]
    public void Readme_FitsTheNuGetPage()
    {
        long size = new FileInfo(Path.Combine(RepoRoot, "README.md")).Length;
        Assert.That(size, Is.LessThanOrEqualTo(ReadmeMaxBytes), "README.md is the packages' NuGet page: move details to docs/");
    }

    [TestCase("<!-- snippet: A -->\n```csharp\n  x();\n```", "A", "x();")]
    [TestCase("```csharp\ny();\n```", null, "y();")]
    public void ReadCSharpBlocks_FindsTheBlockAndItsName(string readme, string? name, string code)
    {
        var block = ReadCSharpBlocks(readme.Split('\n')).Single();
        Assert.That(block.Name, Is.EqualTo(name));
        Assert.That(block.Code, Is.EqualTo(new[] { code }));
    }

    [Test]
    public void ReadSnippet_JoinsRegionsAndRemovesEachOnesIndent()
    {
        var lines = new[] { "#region snippet", "using A;", "#endregion", "class C {", "    void M() {", "        #region snippet", "        a();", "            b();", "        #endregion", "    }", "}" };
        Assert.That(ReadSnippet(lines), Is.EqualTo(new[] { "using A;", "a();", "    b();" }));
    }

    [TestCase("The `API` in one screen", "the-api-in-one-screen")]
    [TestCase("Coming from Fleck", "coming-from-fleck")]
    [TestCase("HTTP answers at the handshake (4xx/5xx)", "http-answers-at-the-handshake-4xx5xx")]
    [TestCase("Sync, async & fire-and-forget", "sync-async--fire-and-forget")]
    public void Slug_IsGitHubs(string heading, string slug) => Assert.That(Slug(heading), Is.EqualTo(slug));

    /// <summary>Null when <paramref name="target"/> (a link of <paramref name="document"/>) leads somewhere that exists.</summary>
    private static string? CheckLink(string document, string target)
    {
        string path;
        if (target.StartsWith(RepoUrl, StringComparison.Ordinal))
        {
            path = target.Substring(RepoUrl.Length);
        }
        else if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
        {
            return null;
        }
        else if (target.StartsWith('#'))
        {
            path = Path.GetFileName(document) + target;
            path = (Path.GetDirectoryName(document) is { Length: > 0 } dir ? dir + "/" : string.Empty) + path;
        }
        else
        {
            path = (Path.GetDirectoryName(document) is { Length: > 0 } dir ? dir + "/" : string.Empty) + target;
        }

        string? anchor = null;
        int hash = path.IndexOf('#');
        if (hash >= 0)
        {
            anchor = path.Substring(hash + 1);
            path = path.Substring(0, hash);
        }

        string full = Path.GetFullPath(Path.Combine(RepoRoot, path));
        if (!full.StartsWith(RepoRoot, StringComparison.Ordinal))
        {
            return "leads outside the repository";
        }

        if (!File.Exists(full) && !Directory.Exists(full))
        {
            return "no such file";
        }

        if (anchor is not null && full.EndsWith(".md", StringComparison.Ordinal) && !Headings(File.ReadAllLines(full)).Contains(anchor))
        {
            return $"no heading #{anchor} in {path}";
        }

        return null;
    }

    /// <summary>The anchors GitHub gives a page's headings (a repeated heading gets -1, -2, ...).</summary>
    private static HashSet<string> Headings(string[] lines)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        bool inCode = false;
        foreach (var line in lines)
        {
            if (s_fence.IsMatch(line))
            {
                inCode = !inCode;
                continue;
            }

            var m = Regex.Match(line, @"^#{1,6}\s+(?<text>.+?)\s*#*\s*$");
            if (inCode || !m.Success)
            {
                continue;
            }

            string slug = Slug(m.Groups["text"].Value);
            string unique = slug;
            for (int n = 1; !anchors.Add(unique); n++)
            {
                unique = $"{slug}-{n}";
            }
        }

        return anchors;
    }

    /// <summary>GitHub's heading anchor: lower case; letters, digits, '-' and '_' kept; spaces become '-'; the rest dropped.</summary>
    private static string Slug(string heading)
    {
        var slug = new StringBuilder(heading.Length);
        foreach (char c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    private static IEnumerable<(string Lang, int Line)> Fences(string[] lines)
    {
        bool open = false;
        for (int i = 0; i < lines.Length; i++)
        {
            var m = s_fence.Match(lines[i]);
            if (!m.Success)
            {
                continue;
            }

            if (!open)
            {
                yield return (m.Groups["lang"].Value, i + 1);
            }

            open = !open;
        }
    }

    private static List<(string? Name, int Line, List<string> Code)> ReadCSharpBlocks(string[] lines)
    {
        var blocks = new List<(string?, int, List<string>)>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() != "```csharp")
            {
                continue;
            }

            int previous = i - 1;
            while (previous >= 0 && lines[previous].Trim().Length == 0)
            {
                previous--;
            }

            var marker = previous >= 0 ? s_marker.Match(lines[previous].Trim()) : Match.Empty;
            var code = new List<string>();
            int start = i + 1;
            for (i++; i < lines.Length && lines[i].TrimEnd() != "```"; i++)
            {
                code.Add(lines[i]);
            }

            blocks.Add((marker.Success ? marker.Groups["name"].Value : null, start, Dedent(code)));
        }

        return blocks;
    }

    private static List<string> ReadSnippet(string[] lines)
    {
        var result = new List<string>();
        List<string>? part = null;
        foreach (var line in lines)
        {
            string trimmed = line.Trim();
            if (trimmed == "#region snippet")
            {
                part = new List<string>();
            }
            else if (trimmed == "#endregion" && part is not null)
            {
                result.AddRange(Dedent(part));
                part = null;
            }
            else
            {
                part?.Add(line);
            }
        }

        // A blank line that only separates regions in the file must not count at the end.
        while (result.Count > 0 && result[^1].Length == 0)
        {
            result.RemoveAt(result.Count - 1);
        }

        return result;
    }

    private static List<string> Dedent(List<string> lines)
    {
        int indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return lines.Select(l => l.Trim().Length == 0 ? string.Empty : l.Substring(indent).TrimEnd()).ToList();
    }
}
