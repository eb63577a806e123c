using Coffer.Cli.Tests.Infrastructure;

namespace Coffer.Cli.Tests;

/// <summary><c>coffer audit</c> against answers a real server would not give: the CLI must never report "intact" by accident.</summary>
public sealed class AuditCommandTests
{
    [Theory]
    [InlineData("{\"records\":3}")]
    [InlineData("{\"ok\":\"yes\",\"records\":3}")]
    public async Task Verify_AnswerWithoutABooleanOk_ExitsOne(string body)
    {
        await using var server = await FakeCofferServer.StartAsync();
        server.NextResponse = (200, "application/json", body);

        var result = await CliRunner.RunAsync(server.Environment(FakeCofferServer.AdminToken), "audit", "verify");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal(("GET", "/api/v1/audit/verify"), (server.SingleRequest().Method, server.SingleRequest().Path));
        Assert.DoesNotContain("intact", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_BrokenAnswer_ExitsOneNamingTheRecord()
    {
        await using var server = await FakeCofferServer.StartAsync();
        server.NextResponse = (200, "application/json", "{\"ok\":false,\"records\":6,\"last_hash\":\"ab\",\"first_broken\":{\"seq\":7,\"problem\":\"reordered\",\"detail\":\"Record 7 links to record 9.\"}}");

        var result = await CliRunner.RunAsync(server.Environment(FakeCofferServer.AdminToken), "audit", "verify");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("BROKEN at record 7 (reordered): Record 7 links to record 9.", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_AnswerThatIsNotJsonLines_ExitsOneAndWritesNoFile()
    {
        await using var server = await FakeCofferServer.StartAsync();
        server.NextResponse = (200, "text/html", "<html>proxy login</html>");
        var file = Path.Combine(server.Directory, "audit.jsonl");

        var result = await CliRunner.RunAsync(server.Environment(FakeCofferServer.AdminToken), "audit", "export", "--output", file);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("application/x-ndjson", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
        Assert.Empty(Directory.GetFiles(server.Directory, "*.partial"));
    }

    [Fact]
    public async Task Export_NoToken_FailsWithoutSending()
    {
        await using var server = await FakeCofferServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment(token: null), "audit", "export");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("COFFER_TOKEN is not set", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }
}
