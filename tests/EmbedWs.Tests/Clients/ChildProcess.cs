using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;

namespace EmbedWs.Tests.Clients;

/// <summary>
/// A child process with its output captured, killed (with its children) when disposed. Every
/// wait is bounded.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ChildProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    /// <summary>Raised for each line of standard output, on a thread-pool thread.</summary>
    public event Action<string>? OutputLine;

    public string StandardOutput
    {
        get { lock (_stdout) { return _stdout.ToString(); } }
    }

    public string StandardError
    {
        get { lock (_stderr) { return _stderr.ToString(); } }
    }

    /// <summary>Both streams, for assertion messages.</summary>
    public string Output => $"--- stdout ---\n{StandardOutput}--- stderr ---\n{StandardError}";

    public static ChildProcess Start(string fileName, string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // A pipe, not the test host's terminal: the child reads nothing and touches no tty settings.
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        var child = new ChildProcess(new Process { StartInfo = info });
        child._process.OutputDataReceived += (_, e) => child.Append(child._stdout, e.Data, stdout: true);
        child._process.ErrorDataReceived += (_, e) => child.Append(child._stderr, e.Data, stdout: false);
        child._process.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the exit and returns the exit code; fails the test when it takes longer than <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            // Also waits for the end of the redirected streams.
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{_process.StartInfo.FileName} did not exit within {timeout.TotalSeconds} s.\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>
    /// Waits until the standard output so far matches <paramref name="pattern"/> (multiline: ^ and $
    /// at each line), checked at every new line, and returns the number its first group captures:
    /// a host's port from its listening line. Fails the test after <paramref name="timeout"/>.
    /// </summary>
    public async Task<int> WaitForPortAsync(string pattern, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(string _)
        {
            var m = Regex.Match(StandardOutput, pattern, RegexOptions.Multiline);
            if (m.Success)
            {
                found.TrySetResult(int.Parse(m.Groups[1].Value));
            }
        }

        OutputLine += Check;
        try
        {
            Check(string.Empty);
            Assert.That(await Task.WhenAny(found.Task, Task.Delay(timeout)), Is.SameAs(found.Task), Output);
            return found.Task.Result;
        }
        finally
        {
            OutputLine -= Check;
        }
    }

    /// <summary>Writes one line to the child's standard input.</summary>
    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited in between.
        }

        _process.Dispose();
    }

    private void Append(StringBuilder sb, string? line, bool stdout)
    {
        if (line is null)
        {
            return;
        }

        lock (sb)
        {
            sb.Append(line).Append('\n');
        }

        if (stdout)
        {
            OutputLine?.Invoke(line);
        }
    }
}
