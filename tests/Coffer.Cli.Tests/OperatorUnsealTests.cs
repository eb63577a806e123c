using System.Text.Json.Nodes;
using Coffer.Cli.Tests.Infrastructure;

namespace Coffer.Cli.Tests;

public sealed class OperatorUnsealTests
{
    private const string Share = "cofs1_thesecretshare_5f2c9a";

    [Fact]
    public async Task Unseal_ShareOnStdin_SendsItAndNeverPrintsIt()
    {
        await using var server = await InitializedServerAsync();
        var console = new TestConsole(stdin: Share + "\n");

        var result = await CliRunner.RunAsync(server.Environment(), console, "operator", "unseal");

        Assert.Equal(0, result.ExitCode);
        AssertSentShare(server, Share);
        Assert.DoesNotContain(Share, result.Output, StringComparison.Ordinal);
        Assert.Equal(0, result.PromptCount);
        Assert.Equal("1/3 shares, still sealed", result.Stdout.Trim());
    }

    [Fact]
    public async Task Unseal_PositionalShare_SendsIt()
    {
        await using var server = await InitializedServerAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "unseal", Share);

        Assert.Equal(0, result.ExitCode);
        AssertSentShare(server, Share);
        Assert.DoesNotContain(Share, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unseal_TerminalWithoutArgument_PromptsHidden()
    {
        await using var server = await InitializedServerAsync();
        var console = new TestConsole(secret: Share);

        var result = await CliRunner.RunAsync(server.Environment(), console, "operator", "unseal");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(1, result.PromptCount);
        AssertSentShare(server, Share);
        Assert.DoesNotContain(Share, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unseal_ThresholdReached_PrintsUnsealed()
    {
        await using var server = await InitializedServerAsync();
        server.UnsealProgress = 2;

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "unseal", Share);

        Assert.Equal(0, result.ExitCode);
        Assert.False(server.Sealed);
        Assert.Equal("unsealed", result.Stdout.Trim());
    }

    [Fact]
    public async Task Unseal_Reset_SendsResetTrue()
    {
        await using var server = await InitializedServerAsync();
        server.UnsealProgress = 2;

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "unseal", "--reset");

        Assert.Equal(0, result.ExitCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"reset":true}"""), JsonNode.Parse(server.SingleRequest().Body)));
        Assert.Equal("progress reset: 0/3 shares, still sealed", result.Stdout.Trim());
    }

    [Fact]
    public async Task Unseal_ResetAndShare_UsageErrorWithoutRequest()
    {
        await using var server = await InitializedServerAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "unseal", "--reset", Share);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("either a share or --reset", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Unseal_EmptyStdin_FailsWithoutRequest()
    {
        await using var server = await InitializedServerAsync();

        var result = await CliRunner.RunAsync(server.Environment(), new TestConsole(stdin: string.Empty), "operator", "unseal");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("No unseal share given", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Unseal_RejectedShare_RendersProblemWithoutEchoingShare()
    {
        await using var server = await InitializedServerAsync();
        const string wrong = "not-a-share-8c1f";

        var result = await CliRunner.RunAsync(server.Environment(), new TestConsole(stdin: wrong), "operator", "unseal");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("Error: Invalid unseal share — That is not a Coffer unseal share.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unseal_JsonFormat_PrintsServerStatus()
    {
        await using var server = await InitializedServerAsync();

        var result = await CliRunner.RunAsync(server.Environment(), new TestConsole(stdin: Share), "operator", "unseal", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        var status = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.True(status["sealed"]!.GetValue<bool>());
        Assert.Equal(1, status["unseal_progress"]!.GetValue<int>());
        Assert.DoesNotContain(Share, result.Output, StringComparison.Ordinal);
    }

    private static async Task<FakeCofferServer> InitializedServerAsync()
    {
        var server = await FakeCofferServer.StartAsync();
        server.Initialized = true;
        return server;
    }

    private static void AssertSentShare(FakeCofferServer server, string share)
    {
        var request = server.SingleRequest();
        Assert.Equal(("POST", "/api/v1/sys/unseal"), (request.Method, request.Path));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["share"] = share }, JsonNode.Parse(request.Body)));
    }
}
