using System.Net;
using System.Net.Sockets;
using Coffer.Cli;
using Coffer.Cli.Tests.Infrastructure;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Cli;

/// <summary><c>coffer server</c> failing to start says why in one line, instead of a stack trace.</summary>
public sealed class ServerCliTests
{
    [Fact]
    public async Task Server_PortInUse_SaysSoAndExits()
    {
        using var data = new TestData();
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var listen = "127.0.0.1:" + ((IPEndPoint)occupied.LocalEndpoint).Port;

        var result = await RunServerAsync(data, "--listen", listen);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(listen + " is already in use", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_UnreachablePostgres_SaysWhichDatabase()
    {
        using var data = new TestData();

        var result = await RunServerAsync(
            data,
            ("COFFER_STORAGE", "postgres"),
            ("COFFER_POSTGRES", "Host=127.0.0.1;Port=1;Username=coffer;Password=not-this-one;Database=coffer;Timeout=2"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("postgres 127.0.0.1:1/coffer", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-this-one", result.Stderr, StringComparison.Ordinal);
    }

    private static Task<CliResult> RunServerAsync(TestData data, params string[] args) => RunServerAsync(data, [], args);

    private static Task<CliResult> RunServerAsync(TestData data, params (string Name, string Value)[] environment) => RunServerAsync(data, environment, []);

    private static async Task<CliResult> RunServerAsync(TestData data, (string Name, string Value)[] environment, string[] args)
    {
        // A start that wrongly succeeds must not hang the test run: it is cancelled after a minute.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var console = new TestConsole();
        var env = environment.ToDictionary(e => e.Name, e => (string?)e.Value);
        env["COFFER_DATA"] = data.Directory;
        var exitCode = await CofferCli.RunAsync(["server", .. args], console, name => env.GetValueOrDefault(name), cancellationToken: timeout.Token);
        Assert.False(timeout.IsCancellationRequested, "The server started although it should not have.");
        return new CliResult(exitCode, console.Stdout, console.Stderr, console.PromptCount);
    }
}
