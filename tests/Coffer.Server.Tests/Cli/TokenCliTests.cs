using System.Text.Json;
using Coffer.Cli.Tests.Infrastructure;
using Coffer.Server.Tests.Storage;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Cli;

/// <summary>The real <c>coffer token</c> commands against a real server over HTTPS (COFFER_ADDR, COFFER_CACERT, COFFER_TOKEN).</summary>
public sealed class TokenCliTests
{
    // The access log is written in the background; a bound on the wait, not a measurement.
    private static readonly TimeSpan LogWait = TimeSpan.FromSeconds(15);

    private static readonly string[] ReadOnly = ["tokens:read"];

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task CreateLookupRefuseRevokeLog_ThroughTheCli_DriveTheRealTokenTree(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        await using var server = await ServerInstance.StartAsync(storage.Settings());
        var (_, admin) = await server.InitAndUnsealAsync();
        var adminAccessor = Json(await SucceedAsync(server, admin, "token", "lookup", "self", "--format", "json")).GetProperty("accessor").GetString()!;

        // Create: a child of COFFER_TOKEN, printed once.
        var create = await SucceedAsync(server, admin, "token", "create", "--scope", "tokens:read", "--scope", "tokens:write", "--ttl", "1h", "--format", "json");
        var created = Json(create);
        var child = created.GetProperty("token").GetString()!;
        var childAccessor = created.GetProperty("accessor").GetString()!;
        Assert.Matches("^cof_api_[0-9A-Za-z]{43}_[0-9A-Za-z]{6}$", child);
        Assert.StartsWith("acc_", childAccessor, StringComparison.Ordinal);
        Assert.Equal(childAccessor, created.GetProperty("info").GetProperty("accessor").GetString());

        // Lookup: the parent is the admin token, the scopes are those asked for, the expiry an hour out.
        var lookup = Json(await SucceedAsync(server, admin, "token", "lookup", childAccessor, "--format", "json"));
        Assert.Equal(adminAccessor, lookup.GetProperty("parent").GetString());
        Assert.Equal(["tokens:read", "tokens:write"], lookup.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("api", lookup.GetProperty("kind").GetString());
        Assert.False(lookup.GetProperty("revoked").GetBoolean());
        var expires = lookup.GetProperty("expires_at").GetDateTimeOffset();
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(65));
        var table = await SucceedAsync(server, child, "token", "lookup", "self");
        Assert.Contains(childAccessor, table.Stdout, StringComparison.Ordinal);
        Assert.Contains(adminAccessor, table.Stdout, StringComparison.Ordinal);

        // A scope the parent lacks: refused by the server, the problem shown, exit code 1.
        var wider = await RunAsync(server, child, "token", "create", "--scope", "tokens:read", "--scope", "admin");
        Assert.Equal(1, wider.ExitCode);
        Assert.Contains("Error: A child token cannot be wider than its parent.", wider.Stderr, StringComparison.Ordinal);
        Assert.Contains("admin", wider.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, wider.Stdout);
        var widerJson = await RunAsync(server, child, "token", "create", "--scope", "admin", "--format", "json");
        Assert.Equal(1, widerJson.ExitCode);
        Assert.Equal("urn:coffer:problem:token-wider-than-parent", Json(widerJson).GetProperty("type").GetString());
        var longer = await RunAsync(server, child, "token", "create", "--scope", "tokens:read", "--ttl", "2h");
        Assert.Equal(1, longer.ExitCode);
        Assert.Contains("A child token cannot be wider than its parent.", longer.Stderr, StringComparison.Ordinal);

        // A grandchild, made by the child.
        var grandchild = Json(await SucceedAsync(server, child, "token", "create", "--scope", "tokens:read", "--name", "grandchild", "--format", "json"))
            .GetProperty("token").GetString()!;
        Assert.Equal(0, (await RunAsync(server, grandchild, "token", "lookup", "self")).ExitCode);

        // The log shows the child's earlier requests, newest first.
        var log = await WaitForLogAsync(server, admin, childAccessor, entries => entries.Count >= 5);
        Assert.Contains(log, e => e.Method == "GET" && e.Route.StartsWith("/api/v1/tokens/self", StringComparison.Ordinal) && e.Status == 200);
        Assert.Contains(log, e => e.Method == "POST" && e.Route.StartsWith("/api/v1/tokens", StringComparison.Ordinal) && e.Status == 201);

        // The three refusals, under the route that was called even though the handler threw.
        Assert.Equal(3, log.Count(e => e.Method == "POST" && e.Status == 400 && e.Route == "/api/v1/tokens/"));
        Assert.Equal(log.OrderByDescending(e => e.Id).Select(e => e.Id), log.Select(e => e.Id));
        var logTable = await SucceedAsync(server, admin, "token", "log", childAccessor, "--limit", "2");
        Assert.Contains("/api/v1/tokens", logTable.Stdout, StringComparison.Ordinal);
        Assert.Contains("coffer-cli", logTable.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, Json(await SucceedAsync(server, admin, "token", "log", childAccessor, "--limit", "2", "--format", "json")).GetArrayLength());

        // Revoking the child takes the grandchild with it; the admin token above them still works.
        var revoke = await SucceedAsync(server, admin, "token", "revoke", childAccessor);
        Assert.Contains("2 tokens in all", revoke.Stdout, StringComparison.Ordinal);
        foreach (var revoked in new[] { child, grandchild })
        {
            var refused = await RunAsync(server, revoked, "token", "lookup", "self");
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("Error: Authentication is required.", refused.Stderr, StringComparison.Ordinal);
            var refusedJson = await RunAsync(server, revoked, "token", "lookup", "self", "--format", "json");
            Assert.Equal(401, Json(refusedJson).GetProperty("status").GetInt32());
        }

        Assert.True(Json(await SucceedAsync(server, admin, "token", "lookup", childAccessor, "--format", "json")).GetProperty("revoked").GetBoolean());
        var active = Json(await SucceedAsync(server, admin, "token", "list", "--format", "json")).EnumerateArray().Select(t => t.GetProperty("accessor").GetString()).ToList();
        Assert.Contains(adminAccessor, active);
        Assert.DoesNotContain(childAccessor, active);
        var everything = await SucceedAsync(server, admin, "token", "list", "--all");
        Assert.Matches($@"{childAccessor}.*\byes\b", everything.Stdout);
        Assert.Contains("grandchild", everything.Stdout, StringComparison.Ordinal);

        // The tokens themselves were printed by create alone.
        Assert.DoesNotContain(admin, string.Join('\n', table.Output, wider.Output, logTable.Output, revoke.Output, everything.Output), StringComparison.Ordinal);
        Assert.DoesNotContain(child, string.Join('\n', table.Output, wider.Output, logTable.Output, revoke.Output, everything.Output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeSelf_ThroughTheCli_ThenTheTokenIsRefused()
    {
        await using var storage = await StorageUnderTest.CreateAsync("sqlite");
        await using var server = await ServerInstance.StartAsync(storage.Settings());
        var (_, admin) = await server.InitAndUnsealAsync();
        var child = Json(await SucceedAsync(server, admin, "token", "create", "--scope", "tokens:read", "--format", "json")).GetProperty("token").GetString()!;

        var revoke = await SucceedAsync(server, child, "token", "revoke", "self");

        Assert.Contains("Revoked the calling token (COFFER_TOKEN) and every token below it: 1 token in all.", revoke.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync(server, child, "token", "lookup", "self")).ExitCode);
        Assert.Equal(0, (await RunAsync(server, admin, "token", "lookup", "self")).ExitCode);
    }

    [Fact]
    public async Task IpBoundToken_UsedFromLoopback_RefusedWithIpNotAllowed()
    {
        await using var storage = await StorageUnderTest.CreateAsync("sqlite");
        await using var server = await ServerInstance.StartAsync(storage.Settings());
        var (_, admin) = await server.InitAndUnsealAsync();
        var created = Json(await SucceedAsync(server, admin, "token", "create", "--scope", "tokens:read", "--ip", "203.0.113.0/24", "--max-uses", "5", "--format", "json"));
        Assert.Equal(["203.0.113.0/24"], created.GetProperty("info").GetProperty("ip_allowlist").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(5, created.GetProperty("info").GetProperty("max_uses").GetInt32());

        var refused = await RunAsync(server, created.GetProperty("token").GetString()!, "token", "lookup", "self", "--format", "json");

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("urn:coffer:problem:ip-not-allowed", Json(refused).GetProperty("type").GetString());
    }

    [Fact]
    public async Task List_MoreTokensThanOnePage_FollowsTheServersCursorToTheEnd()
    {
        await using var storage = await StorageUnderTest.CreateAsync("sqlite");
        await using var server = await ServerInstance.StartAsync(storage.Settings());
        var (_, admin) = await server.InitAndUnsealAsync();
        for (var i = 0; i < 210; i++)
        {
            using var response = await server.PostJsonAsync("/api/v1/tokens", new { scopes = ReadOnly }, admin);
            response.EnsureSuccessStatusCode();
        }

        var list = Json(await SucceedAsync(server, admin, "token", "list", "--format", "json"));

        var accessors = list.EnumerateArray().Select(t => t.GetProperty("accessor").GetString()!).ToList();
        Assert.Equal(211, accessors.Count);
        Assert.Equal(211, accessors.Distinct(StringComparer.Ordinal).Count());
    }

    private sealed record LogEntry(long Id, string Method, string Route, int Status);

    private static async Task<IReadOnlyList<LogEntry>> WaitForLogAsync(ServerInstance server, string token, string accessor, Func<IReadOnlyList<LogEntry>, bool> done)
    {
        var deadline = DateTimeOffset.UtcNow + LogWait;
        while (true)
        {
            var result = await SucceedAsync(server, token, "token", "log", accessor, "--format", "json");
            var entries = Json(result).EnumerateArray()
                .Select(e => new LogEntry(e.GetProperty("id").GetInt64(), e.GetProperty("method").GetString()!, e.GetProperty("route").GetString()!, e.GetProperty("status").GetInt32()))
                .ToList();
            if (done(entries) || DateTimeOffset.UtcNow > deadline)
            {
                return entries;
            }

            await Task.Delay(100);
        }
    }

    private static async Task<CliResult> SucceedAsync(ServerInstance server, string token, params string[] args)
    {
        var result = await RunAsync(server, token, args);
        Assert.True(result.ExitCode == 0, $"coffer {string.Join(' ', args)} exited {result.ExitCode}: {result.Output}");
        return result;
    }

    private static Task<CliResult> RunAsync(ServerInstance server, string? token, params string[] args) =>
        CliRunner.RunAsync(
            new Dictionary<string, string?>
            {
                ["COFFER_ADDR"] = server.Address.ToString(),
                ["COFFER_CACERT"] = server.Settings.GeneratedCertificatePath,
                ["COFFER_TOKEN"] = token,
            },
            args);

    private static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement.Clone();
}
