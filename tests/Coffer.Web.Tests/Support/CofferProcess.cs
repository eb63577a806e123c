using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Coffer.Web.Tests.Support;

/// <summary>
/// The real <c>coffer</c> binary (the <c>coffer.dll</c> the Coffer.Cli reference copies beside the tests) run with
/// <c>dotnet</c> as its own OS process: only the <c>COFFER_*</c> variables the test gives it, its console kept for failure
/// messages (lines with a token are not kept), and the whole process tree killed on dispose so no failed test leaves a
/// server behind.
/// </summary>
internal sealed class CofferProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Found)> _waits = [];
    private readonly List<string> _lines = [];

    private CofferProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    /// <summary>Everything the process printed so far, both streams, lines with a token left out.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>dotnet coffer.dll ARGS</c> in <paramref name="workingDirectory"/>.</summary>
    public static CofferProcess Start(string name, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var coffer = Path.Combine(AppContext.BaseDirectory, "coffer.dll");
        Assert.True(File.Exists(coffer), $"{coffer} is missing: Coffer.Web.Tests references Coffer.Cli, whose output is copied beside the tests.");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(coffer);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Nothing of the test run's own COFFER_* settings leaks in: the process runs on exactly what the test gives it.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("COFFER_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var started = new CofferProcess(name, process);
        process.OutputDataReceived += (_, e) => started.OnLine(e.Data, "out");
        process.ErrorDataReceived += (_, e) => started.OnLine(e.Data, "err");
        process.Exited += (_, _) => started.OnExited();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>The first line (already printed or still to come) that matches <paramref name="pattern"/>.</summary>
    public async Task<Match> WaitForAsync(Regex pattern, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            foreach (var line in _lines)
            {
                if (pattern.Match(line) is { Success: true } match)
                {
                    return match;
                }
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited (code {_process.ExitCode}) before printing /{pattern}/. Its console:\n{Output}");
            }

            _waits.Add((pattern, found));
        }

        try
        {
            return await found.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} did not print /{pattern}/ within {timeout.TotalSeconds:0} s. Its console:\n{Output}");
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // never started, or already gone
        }

        _process.Dispose();
    }

    private void OnLine(string? line, string stream)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // Lines are matched whole (the fixture reads the admin token and the demo's password from them) but a line
            // holding a token or password is never kept in the console text that failure messages show.
            _lines.Add(line);
            var secret = line.Contains("cof_", StringComparison.Ordinal) || line.Contains("assword", StringComparison.Ordinal);
            _output.Append(stream).Append("> ").AppendLine(secret ? "(a line with a token or password, not kept)" : line);
            for (var i = _waits.Count - 1; i >= 0; i--)
            {
                if (_waits[i].Pattern.Match(line) is { Success: true } match)
                {
                    _waits[i].Found.TrySetResult(match);
                    _waits.RemoveAt(i);
                }
            }
        }
    }

    private void OnExited()
    {
        lock (_output)
        {
            foreach (var (pattern, found) in _waits)
            {
                found.TrySetException(new InvalidOperationException($"{Name} exited before printing /{pattern}/. Its console:\n{_output}"));
            }

            _waits.Clear();
        }
    }
}
