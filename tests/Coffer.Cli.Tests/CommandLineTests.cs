using Coffer.Cli.Tests.Infrastructure;

namespace Coffer.Cli.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public async Task Format_UnknownValue_UsageErrorWithoutRequest()
    {
        await using var server = await FakeCofferServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "status", "--format", "xml");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--format must be table or json, not 'xml'.", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("coffer operator status --help", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Seal_TokenOption_DoesNotExist()
    {
        await using var server = await FakeCofferServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "seal", "--token", FakeCofferServer.AdminToken);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Server_InvalidListenInEnvironment_PrintsSettingsErrorAndExitsTwo()
    {
        var environment = new Dictionary<string, string?>
        {
            ["COFFER_DATA"] = Path.Combine(Path.GetTempPath(), "coffer-cli-tests-unused"),
            ["COFFER_LISTEN"] = "nowhere",
        };

        var result = await CliRunner.RunAsync(environment, "server");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Error: The listen address must be IP:PORT", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("'nowhere'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_InvalidListenOption_WinsOverEnvironment()
    {
        var environment = new Dictionary<string, string?>
        {
            ["COFFER_DATA"] = Path.Combine(Path.GetTempPath(), "coffer-cli-tests-unused"),
            ["COFFER_LISTEN"] = "127.0.0.1:8443",
        };

        var result = await CliRunner.RunAsync(environment, "server", "--listen", "localhost");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("'localhost'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_InvalidStorage_PrintsSettingsErrorAndExitsTwo()
    {
        var environment = new Dictionary<string, string?>
        {
            ["COFFER_DATA"] = Path.Combine(Path.GetTempPath(), "coffer-cli-tests-unused"),
            ["COFFER_STORAGE"] = "oracle",
        };

        var result = await CliRunner.RunAsync(environment, "migrate");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Error: COFFER_STORAGE must be sqlite or postgres, not 'oracle'.", result.Stderr, StringComparison.Ordinal);
    }
}
