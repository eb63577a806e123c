using System.Text.Json.Nodes;
using Coffer.Cli.Tests.Infrastructure;

namespace Coffer.Cli.Tests;

public sealed class OperatorStatusTests
{
    [Fact]
    public async Task Status_TableSealed_ShowsStateProviderThresholdProgressAndVersion()
    {
        await using var server = await FakeCofferServer.StartAsync();
        server.Initialized = true;
        server.UnsealProgress = 1;

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "status");

        Assert.Equal(0, result.ExitCode);
        var request = server.SingleRequest();
        Assert.Equal(("GET", "/api/v1/sys/status"), (request.Method, request.Path));
        Assert.Null(request.Authorization);
        Assert.Contains("yes", Row(result.Stdout, "Initialized"), StringComparison.Ordinal);
        Assert.Contains("yes", Row(result.Stdout, "Sealed"), StringComparison.Ordinal);
        Assert.Contains("shamir", Row(result.Stdout, "Key provider"), StringComparison.Ordinal);
        Assert.Contains("3 of 5 shares", Row(result.Stdout, "Threshold"), StringComparison.Ordinal);
        Assert.Contains("1/3 shares", Row(result.Stdout, "Unseal progress"), StringComparison.Ordinal);
        Assert.Contains("admin COFFER_TOKEN", Row(result.Stdout, "Root key"), StringComparison.Ordinal);
        Assert.Contains("0.1.0", Row(result.Stdout, "Version"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_AdminTokenWhileUnsealed_ShowsKeyVersions()
    {
        await using var server = await FakeCofferServer.StartAsync();
        server.Initialized = true;
        server.Sealed = false;
        server.RootVersion = 4;
        server.MinDecryptionVersion = 2;

        var result = await CliRunner.RunAsync(server.Environment(FakeCofferServer.AdminToken), "operator", "status");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Bearer " + FakeCofferServer.AdminToken, server.SingleRequest().Authorization);
        Assert.Contains("no", Row(result.Stdout, "Sealed"), StringComparison.Ordinal);
        Assert.Contains("version 4, decrypts from version 2", Row(result.Stdout, "Root key"), StringComparison.Ordinal);
        Assert.DoesNotContain("Unseal progress", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeCofferServer.AdminToken, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_JsonFormat_PassesServerObjectThrough()
    {
        await using var server = await FakeCofferServer.StartAsync();
        server.Initialized = true;
        server.UnsealProgress = 2;

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "status", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        var status = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.True(status["initialized"]!.GetValue<bool>());
        Assert.True(status["sealed"]!.GetValue<bool>());
        Assert.Equal("shamir", status["provider"]!.GetValue<string>());
        Assert.Equal(2, status["unseal_progress"]!.GetValue<int>());
        Assert.True(status.ContainsKey("key_versions"));
    }

    [Fact]
    public async Task Status_FormatBeforeSubcommand_AppliesRecursively()
    {
        await using var server = await FakeCofferServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "--format", "json", "operator", "status");

        Assert.Equal(0, result.ExitCode);
        Assert.False(JsonNode.Parse(result.Stdout)!["initialized"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Status_ErrorWithoutProblemDocument_RenderedAsProblem()
    {
        await using var server = await FakeCofferServer.StartAsync();
        server.NextResponse = (502, "text/html", "<html><body>Bad gateway</body></html>");

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "status", "--format", "json");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        var problem = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.Equal("about:blank", problem["type"]!.GetValue<string>());
        Assert.Equal(502, problem["status"]!.GetValue<int>());
        Assert.Contains("without a problem document", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>The table line that carries <paramref name="field"/>, so a value is asserted next to its label.</summary>
    private static string Row(string table, string field) =>
        Assert.Single(table.Split('\n'), line => line.Contains(" " + field + " ", StringComparison.Ordinal));
}
