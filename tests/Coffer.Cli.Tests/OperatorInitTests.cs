using System.Text.Json.Nodes;
using Coffer.Cli.Tests.Infrastructure;

namespace Coffer.Cli.Tests;

public sealed class OperatorInitTests
{
    [Fact]
    public async Task Init_JsonFormat_PrintsSharesArrayAndAdminToken()
    {
        await using var server = await FakeCofferServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "init", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        var request = server.SingleRequest();
        Assert.Equal(("POST", "/api/v1/sys/init"), (request.Method, request.Path));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"shares":5,"threshold":3}"""), JsonNode.Parse(request.Body)));
        var output = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.Equal(server.IssuedShares, output["shares"]!.AsArray().Select(share => share!.GetValue<string>()));
        Assert.Equal(FakeCofferServer.AdminToken, output["admin_token"]!.GetValue<string>());
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task Init_TableFormat_PrintsEveryShareTokenAndWarningOnce()
    {
        await using var server = await FakeCofferServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "init", "--shares", "3", "--threshold", "2");

        Assert.Equal(0, result.ExitCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"shares":3,"threshold":2}"""), JsonNode.Parse(server.SingleRequest().Body)));
        Assert.Equal(3, server.IssuedShares.Count);
        foreach (var share in server.IssuedShares)
        {
            Assert.Equal(1, Occurrences(result.Stdout, share));
        }

        Assert.Equal(1, Occurrences(result.Stdout, FakeCofferServer.AdminToken));
        Assert.Contains("never shown again", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("different person", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Any 2 shares", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3", "4")]
    [InlineData("3", "0")]
    [InlineData("0", "0")]
    public async Task Init_ImpossibleThreshold_UsageErrorWithoutRequest(string shares, string threshold)
    {
        await using var server = await FakeCofferServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "init", "--shares", shares, "--threshold", threshold);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Init_SharesBelowDefaultThreshold_UsageErrorWithoutRequest()
    {
        await using var server = await FakeCofferServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "init", "--shares", "2");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--threshold must be between 1 and --shares (2), not 3.", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Init_AlreadyInitialized_RendersProblemTitleAndDetail()
    {
        await using var server = await FakeCofferServer.StartAsync();
        server.Initialized = true;

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "init");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("Error: Already initialized — This Coffer was initialized before", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task Init_AlreadyInitializedJsonFormat_PrintsProblemObject()
    {
        await using var server = await FakeCofferServer.StartAsync();
        server.Initialized = true;

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "init", "--format", "json");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        var problem = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.Equal("urn:coffer:problem:already-initialized", problem["type"]!.GetValue<string>());
        Assert.Equal(409, problem["status"]!.GetValue<int>());
        Assert.Equal("Already initialized", problem["title"]!.GetValue<string>());
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
