using Coffer.Cli.Tests.Infrastructure;

namespace Coffer.Cli.Tests.Tokens;

public sealed class TokenCommandTests
{
    [Theory]
    [InlineData("create", "--scope", "tokens:read")]
    [InlineData("list")]
    [InlineData("lookup", "self")]
    [InlineData("revoke", "acc_bot")]
    [InlineData("log", "acc_bot")]
    public async Task AnyTokenCommand_NoToken_RefusedLocallyWithoutSending(params string[] args)
    {
        await using var server = await FakeTokenServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment(token: null), ["token", .. args]);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("Error: COFFER_TOKEN is not set.", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("read -rs COFFER_TOKEN", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task AnyTokenCommand_TokenWithLineBreak_RefusedWithoutSendingOrPrinting()
    {
        await using var server = await FakeTokenServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment("cof_api_a\r\nX-Injected: 1"), "token", "lookup", "self");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("COFFER_TOKEN contains characters", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("cof_api_a", result.Output, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task AnyTokenCommand_ServerDown_SaysSoAndExitsOne()
    {
        var environment = new Dictionary<string, string?>
        {
            ["COFFER_ADDR"] = $"https://127.0.0.1:{Ports.Unused()}",
            ["COFFER_TOKEN"] = FakeTokenServer.CallerToken,
        };

        var result = await CliRunner.RunAsync(environment, "token", "list");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("Cannot connect to", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeTokenServer.CallerToken, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_Help_ListsEverySubcommand()
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), "token", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "create", "list", "lookup", "revoke", "log" })
        {
            Assert.Contains(command, result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Create_Help_DescribesDurationsAndRepeatableOptions()
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), "token", "create", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--scope <SCOPE>", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--ttl <DURATION>", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("1h30m", result.Stdout, StringComparison.Ordinal);
        // The API makes API tokens only (sessions come from signing in, credentials from connecting an exchange).
        Assert.DoesNotContain("--kind", result.Stdout, StringComparison.Ordinal);
    }
}
