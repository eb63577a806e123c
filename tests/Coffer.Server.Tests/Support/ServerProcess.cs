using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coffer.Server.Hosting;

namespace Coffer.Server.Tests.Support;

/// <summary>
/// A real <c>coffer server</c> OS process: the built <c>coffer.dll</c> (copied beside the tests by the project
/// reference) run with <c>dotnet</c>, its own data directory, port 0 on loopback (the address it prints is read back),
/// and only the <c>COFFER_*</c> variables the test gives it. Its console is kept for failure messages; disposing kills
/// the whole process tree, so a failed test leaves no server behind.
/// </summary>
internal sealed partial class ServerProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(string name, Process process, ServerSettings settings)
    {
        Name = name;
        _process = process;
        Settings = settings;
    }

    public string Name { get; }

    /// <summary>Where the process keeps its data (and the TLS certificate it generated).</summary>
    public ServerSettings Settings { get; }

    public Uri Address { get; private set; } = null!;

    /// <summary>Trusts exactly the certificate this process generated, as COFFER_CACERT does.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>Everything the process printed so far, both streams, for assertion messages.</summary>
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

    /// <summary>Starts <c>coffer server</c> and returns once its health endpoint answers over HTTPS.</summary>
    public static async Task<ServerProcess> StartAsync(string name, string dataDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var coffer = Path.Combine(AppContext.BaseDirectory, "coffer.dll");
        Assert.True(File.Exists(coffer), $"{coffer} is missing: Coffer.Server.Tests references Coffer.Cli, whose output is copied beside the tests.");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        foreach (var arg in new[] { coffer, "server", "--data", dataDirectory, "--listen", "127.0.0.1:0" })
        {
            start.ArgumentList.Add(arg);
        }

        // Nothing of the test run's own COFFER_* settings leaks in: the node runs on exactly what the test gives it.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("COFFER_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(name, process, new ServerSettings { DataDirectory = dataDirectory });
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data, "out");
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data, "err");
        process.Exited += (_, _) => server._listening.TrySetException(new InvalidOperationException($"{name} exited before it was listening."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.Address = await server._listening.Task.WaitAsync(StartTimeout);
            server.Client = ServerInstance.CreateClient(server.Settings, server.Address);
            await server.WaitUntilHealthyAsync();
            return server;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException)
        {
            var output = server.Output;
            server.Dispose();
            throw new InvalidOperationException($"{name} did not start ({ex.Message}). Its console:\n{output}", ex);
        }
    }

    /// <summary>GET /api/v1/sys/health.</summary>
    public async Task<JsonElement> HealthAsync()
    {
        using var response = await Client.GetAsync(new Uri("/api/v1/sys/health", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: ServerInstance.Json);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Sends and returns the JSON body, failing with this node's console if the status is not a success.</summary>
    public async Task<JsonElement> SendJsonAsync(HttpMethod method, string path, object? body = null, string? token = null)
    {
        using var response = await SendAsync(method, path, body, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} on {Name}: {(int)response.StatusCode} {text}\n{Name}'s console:\n{Output}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Kills the process at once (SIGKILL on Linux: no shutdown, no flush), as a crash would.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        Client?.Dispose();
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

    private async Task WaitUntilHealthyAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        while (true)
        {
            try
            {
                using var response = await Client.GetAsync(new Uri("/api/v1/sys/health", UriKind.Relative), timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (!timeout.IsCancellationRequested && !_process.HasExited)
            {
                // Kestrel printed its address a moment before it accepts connections: try again.
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new TimeoutException("the health endpoint never answered");
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException("the process exited");
            }

            await Task.Delay(50, timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void OnLine(string? line, string stream)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // Kept for failure messages, so a token a dev-mode server prints is not kept with it.
            _output.Append(stream).Append("> ").AppendLine(line.Contains("COFFER_TOKEN=", StringComparison.Ordinal) ? "(a line with a token, not kept)" : line);
        }

        if (Listening().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups["address"].Value));
        }
    }

    [GeneratedRegex(@"listening on (?<address>https://[^\s]+)", RegexOptions.CultureInvariant)]
    private static partial Regex Listening();
}
