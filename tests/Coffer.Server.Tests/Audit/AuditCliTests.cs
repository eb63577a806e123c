using System.Text.Json;
using Coffer.Cli.Tests.Infrastructure;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Audit;

/// <summary>The real <c>coffer audit verify|export</c> commands against a real server over HTTPS.</summary>
public sealed class AuditCliTests : ServerTest
{
    private string _token = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (_, _token) = await Server.InitAndUnsealAsync();
        (await Server.PostJsonAsync("/api/v1/sys/rotate", new { }, _token)).EnsureSuccessStatusCode().Dispose();
    }

    [Fact]
    public async Task Verify_IntactChain_ExitsZero()
    {
        var table = await RunAsync(_token, "audit", "verify");
        var json = await RunAsync(_token, "audit", "verify", "--format", "json");

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("intact", table.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        var body = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.True(body.GetProperty("ok").GetBoolean());
        Assert.Equal((await Server.RowsAsync()).Count, body.GetProperty("records").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("first_broken").ValueKind);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task Verify_RecordEdited_ExitsOneAndNamesIt(long seq)
    {
        Assert.True((await Server.RowsAsync()).Count >= 5);
        await Server.ExecuteSqlAsync("DROP TRIGGER audit_log_no_update");
        await Server.ExecuteSqlAsync($"UPDATE audit_log SET actor = 'acc_framed' WHERE seq = {seq}");

        var table = await RunAsync(_token, "audit", "verify");
        var json = await RunAsync(_token, "audit", "verify", "--format", "json");

        Assert.Equal(1, table.ExitCode);
        Assert.Contains($"BROKEN at record {seq} (edited)", table.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        var broken = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.False(broken.GetProperty("ok").GetBoolean());
        Assert.Equal(seq, broken.GetProperty("first_broken").GetProperty("seq").GetInt64());
        Assert.Equal("edited", broken.GetProperty("first_broken").GetProperty("problem").GetString());
    }

    [Fact]
    public async Task Verify_RecordDeleted_ExitsOneAndNamesIt()
    {
        await Server.ExecuteSqlAsync("DROP TRIGGER audit_log_no_delete");
        await Server.ExecuteSqlAsync("DELETE FROM audit_log WHERE seq = 2");

        var result = await RunAsync(_token, "audit", "verify");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("BROKEN at record 2 (deleted)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NoTokenOrWrongScope_ExitsOneWithTheReason()
    {
        var (weak, _) = await Server.TokenAsync("sys:status");

        var none = await RunAsync(null, "audit", "verify");
        var forbidden = await RunAsync(weak, "audit", "verify");

        Assert.Equal(1, none.ExitCode);
        Assert.Contains("COFFER_TOKEN", none.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, forbidden.ExitCode);
        Assert.Contains("scopes", forbidden.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_ToStdout_WritesEveryRecordAsOneJsonLine()
    {
        var result = await RunAsync(_token, "audit", "export");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var rows = await Server.RowsAsync();
        Assert.Equal(rows.Select(r => r.Seq), lines.Select(l => l.GetProperty("seq").GetInt64()));
        Assert.Equal("audit.export", lines[^1].GetProperty("action").GetString());
    }

    [Fact]
    public async Task Export_ToFile_WritesAPrivateFileAndSaysHowMany()
    {
        var file = Path.Combine(Data.Directory, "export.jsonl");
        File.WriteAllText(file, "old content\n");

        var table = await RunAsync(_token, "audit", "export", "--output", file, "--action", "sys.*");
        var written = File.ReadAllLines(file);
        var json = await RunAsync(_token, "audit", "export", "--output", file, "--format", "json");

        Assert.Equal(0, table.ExitCode);
        Assert.Contains($"Exported {written.Length} audit records to {file}", table.Stdout, StringComparison.Ordinal);
        Assert.All(written, line => Assert.StartsWith("sys.", JsonDocument.Parse(line).RootElement.GetProperty("action").GetString(), StringComparison.Ordinal));
        Assert.True(written.Length >= 4);
        Assert.Equal(0, json.ExitCode);
        var summary = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal(File.ReadAllLines(file).Length, summary.GetProperty("records").GetInt32());
        Assert.Equal(file, summary.GetProperty("output").GetString());
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.Empty(Directory.GetFiles(Data.Directory, "*.partial"));
    }

    [Fact]
    public async Task Export_BadFilter_ExitsOneAndLeavesTheFileAlone()
    {
        var file = Path.Combine(Data.Directory, "kept.jsonl");
        File.WriteAllText(file, "kept\n");

        var result = await RunAsync(_token, "audit", "export", "--output", file, "--since", "last tuesday");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("since", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("kept\n", File.ReadAllText(file));
        Assert.Empty(Directory.GetFiles(Data.Directory, "*.partial", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Export_UnknownOption_IsAUsageError()
    {
        var result = await RunAsync(_token, "audit", "export", "--limit", "5");

        Assert.Equal(2, result.ExitCode);
    }

    private Task<CliResult> RunAsync(string? token, params string[] args) => CliRunner.RunAsync(
        new Dictionary<string, string?>
        {
            ["COFFER_ADDR"] = Server.Address.ToString(),
            ["COFFER_CACERT"] = Server.Settings.GeneratedCertificatePath,
            ["COFFER_TOKEN"] = token,
        },
        args);
}
