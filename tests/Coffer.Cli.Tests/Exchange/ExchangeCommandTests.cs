using Coffer.Cli.Tests.Infrastructure;

namespace Coffer.Cli.Tests.Exchange;

/// <summary><c>coffer exchange</c> refusals that happen before anything is sent: the secret never travels as an argument.</summary>
public sealed class ExchangeCommandTests
{
    private const string Secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

    [Theory]
    [InlineData("connect --exchange binance --api-key key", "--secret")]
    [InlineData("connect --exchange binance --api-key key", "--api-secret")]
    [InlineData("connect --exchange coinbase --api-key key", "--private-key")]
    [InlineData("replace-key main --api-key key", "--secret=")]
    public async Task SecretAsAnArgument_IsRefusedWithoutEchoingIt_AndNothingIsSent(string command, string option)
    {
        await using var server = await FakeCofferServer.StartAsync();
        string[] secret = option.EndsWith('=') ? [option + Secret] : [option, Secret];

        var result = await CliRunner.RunAsync(server.Environment(FakeCofferServer.AdminToken), ["exchange", .. command.Split(' '), .. secret]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Never give the secret as an argument", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--secret-file", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Output, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Connect_Coinbase_AtATerminalWithoutSecretFile_AsksForAFileInsteadOfAPrompt()
    {
        await using var server = await FakeCofferServer.StartAsync();
        using var console = new TestConsole();

        var result = await CliRunner.RunAsync(server.Environment(FakeCofferServer.AdminToken), console, "exchange", "connect", "--exchange", "coinbase", "--api-key", "organizations/o/apiKeys/k");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("multi-line EC private key (PEM)", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, result.PromptCount);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Connect_MissingSecretFile_OrABadCode_IsAnErrorAndNothingIsSent()
    {
        await using var server = await FakeCofferServer.StartAsync();
        var environment = server.Environment(FakeCofferServer.AdminToken);
        var missing = Path.Combine(server.Directory, "no-such-file");

        var noFile = await CliRunner.RunAsync(environment, "exchange", "connect", "--exchange", "binance", "--api-key", "key", "--secret-file", missing, "--totp", "123456");
        var badCode = await CliRunner.RunAsync(environment, new TestConsole(stdin: Secret), "exchange", "connect", "--exchange", "binance", "--api-key", "key", "--totp", "12ab56");
        var empty = await CliRunner.RunAsync(environment, new TestConsole(stdin: "\n"), "exchange", "connect", "--exchange", "binance", "--api-key", "key", "--totp", "123456");

        Assert.Equal(ExitCodes.Failure, noFile.ExitCode);
        Assert.Contains($"Cannot read --secret-file {missing}", noFile.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, badCode.ExitCode);
        Assert.Contains("must be the 6 digits", badCode.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, empty.ExitCode);
        Assert.Contains("The API secret is empty", empty.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, badCode.Output, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task List_WithoutToken_SaysHowToSignIn_AndSendsNothing()
    {
        await using var server = await FakeCofferServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "exchange", "list");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("COFFER_TOKEN is not set", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("coffer login", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }
}
