using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace EmbedWs.Tests.Readme;

/// <summary>
/// Every C# block of README.md is compiled: it must be, line for line, the <c>#region snippet</c>
/// parts of one file of tests/EmbedWs.Readme (a project the solution builds), named by a
/// <c>&lt;!-- snippet: Name --&gt;</c> line just above the block. Indentation is compared after
/// removing each part's common indent, so a snippet may live inside a method.
/// </summary>
public class ReadmeTests
{
    private static readonly Regex s_marker = new(@"^<!-- snippet: (?<name>[A-Za-z0-9_]+) -->$");

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

    [Test]
    public void Readme_EveryCSharpBlock_IsACompiledSnippet()
    {
        var blocks = ReadCSharpBlocks(File.ReadAllLines(Path.Combine(RepoRoot, "README.md")));
        Assert.That(blocks, Is.Not.Empty);
        foreach (var (name, line, code) in blocks)
        {
            Assert.That(name, Is.Not.Null, $"README.md line {line}: a ```csharp block needs a '<!-- snippet: Name -->' line above it (and tests/EmbedWs.Readme/Name.cs)");
            string file = Path.Combine(SnippetDir, name + ".cs");
            Assert.That(File.Exists(file), Is.True, $"README.md line {line}: {file} does not exist");
            var expected = ReadSnippet(File.ReadAllLines(file));
            Assert.That(
                string.Join("\n", code),
                Is.EqualTo(string.Join("\n", expected)),
                $"README.md line {line} differs from the #region snippet parts of {name}.cs: change both together");
        }
    }

    [Test]
    public void Readme_EverySnippetFile_IsShownInTheReadme()
    {
        var shown = ReadCSharpBlocks(File.ReadAllLines(Path.Combine(RepoRoot, "README.md"))).Select(b => b.Name).ToHashSet();
        var files = Directory.GetFiles(SnippetDir, "*.cs")
            .Where(f => File.ReadAllText(f).Contains("#region snippet"))
            .Select(Path.GetFileNameWithoutExtension);
        Assert.That(files.Where(f => !shown.Contains(f)), Is.Empty, "snippet files that no README block shows");
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
