using System.Text.Json.Nodes;
using Coffer.Cli.Tests.Infrastructure;

namespace Coffer.Cli.Tests;

public sealed class OperatorSealAndRotateTests
{
    [Fact]
    public async Task Seal_TokenInEnvironment_SendsBearerAndNeverPrintsToken()
    {
        await using var server = await UnsealedServerAsync();

        var result = await CliRunner.RunAsync(server.Environment(FakeCofferServer.AdminToken), "operator", "seal");

        Assert.Equal(0, result.ExitCode);
        var request = server.SingleRequest();
        Assert.Equal(("POST", "/api/v1/sys/seal"), (request.Method, request.Path));
        Assert.Equal("Bearer " + FakeCofferServer.AdminToken, request.Authorization);
        Assert.True(server.Sealed);
        Assert.Equal("sealed", result.Stdout.Trim());
        Assert.DoesNotContain(FakeCofferServer.AdminToken, result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("seal")]
    [InlineData("rotate")]
    public async Task AdminCommand_NoToken_FailsWithoutSending(string command)
    {
        await using var server = await UnsealedServerAsync();

        var result = await CliRunner.RunAsync(server.Environment(token: null), "operator", command);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("COFFER_TOKEN is not set", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Seal_WrongToken_RendersProblemWithoutLeakingToken()
    {
        await using var server = await UnsealedServerAsync();
        const string wrong = "cof_trader_wrongtoken_77aa";

        var result = await CliRunner.RunAsync(server.Environment(wrong), "operator", "seal");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal("Bearer " + wrong, server.SingleRequest().Authorization);
        Assert.Contains("Error: Unauthorized — This endpoint needs an admin token.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, result.Output, StringComparison.Ordinal);
        Assert.False(server.Sealed);
    }

    [Fact]
    public async Task Seal_TokenWithLineBreak_RefusedWithoutSendingOrPrinting()
    {
        await using var server = await UnsealedServerAsync();
        const string broken = "cof_trader_a\r\nX-Injected: 1";

        var result = await CliRunner.RunAsync(server.Environment(broken), "operator", "seal");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("COFFER_TOKEN contains characters", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("cof_trader_a", result.Output, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Rotate_MinDecryptionVersion_SendsItAndPrintsNewVersion()
    {
        await using var server = await UnsealedServerAsync();

        var result = await CliRunner.RunAsync(server.Environment(FakeCofferServer.AdminToken), "operator", "rotate", "--min-decryption-version", "2");

        Assert.Equal(0, result.ExitCode);
        var request = server.SingleRequest();
        Assert.Equal(("POST", "/api/v1/sys/rotate"), (request.Method, request.Path));
        Assert.Equal("Bearer " + FakeCofferServer.AdminToken, request.Authorization);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"min_decryption_version":2}"""), JsonNode.Parse(request.Body)));
        Assert.Contains("Root key is now version 2 (oldest version that can still decrypt: 2).", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Re-wrapped 7 user keys", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeCofferServer.AdminToken, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_NoOptions_SendsEmptyObject()
    {
        await using var server = await UnsealedServerAsync();

        var result = await CliRunner.RunAsync(server.Environment(FakeCofferServer.AdminToken), "operator", "rotate", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.True(JsonNode.DeepEquals(new JsonObject(), JsonNode.Parse(server.SingleRequest().Body)));
        var output = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.Equal(2, output["root"]!["current"]!.GetValue<int>());
        Assert.Equal(7, output["rewrapped_user_keys"]!.GetValue<int>());
    }

    [Fact]
    public async Task Rotate_MinDecryptionVersionZero_UsageErrorWithoutRequest()
    {
        await using var server = await UnsealedServerAsync();

        var result = await CliRunner.RunAsync(server.Environment(FakeCofferServer.AdminToken), "operator", "rotate", "--min-decryption-version", "0");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--min-decryption-version must be at least 1", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    private static async Task<FakeCofferServer> UnsealedServerAsync()
    {
        var server = await FakeCofferServer.StartAsync();
        server.Initialized = true;
        server.Sealed = false;
        return server;
    }
}
