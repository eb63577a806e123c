using System.Text.Json.Nodes;
using Coffer.Cli.Tests.Infrastructure;

namespace Coffer.Cli.Tests.Tokens;

public sealed class TokenLookupAndRevokeTests
{
    [Fact]
    public async Task Lookup_Self_AsksForTheCallingTokenAndPassesItsViewThrough()
    {
        await using var server = await FakeTokenServer.StartAsync();
        var view = FakeTokenServer.View("acc_me", v => v["expires_at"] = "2030-01-01T00:00:00+00:00");
        server.On("GET", "/api/v1/tokens/self", 200, view);

        var result = await CliRunner.RunAsync(server.Environment(), "token", "lookup", "self", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        var request = server.SingleRequest();
        Assert.Equal(("GET", "/api/v1/tokens/self", "Bearer " + FakeTokenServer.CallerToken), (request.Method, request.PathAndQuery, request.Authorization));
        var output = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.True(JsonNode.DeepEquals(view, output));
        foreach (var field in new[] { "accessor", "kind", "scopes", "parent", "expires_at", "revoked" })
        {
            Assert.True(output.ContainsKey(field), field);
        }

        Assert.DoesNotContain(FakeTokenServer.CallerToken, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_Accessor_TableShowsEveryField()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("GET", "/api/v1/tokens/acc_bot", 200, FakeTokenServer.View("acc_bot", v =>
        {
            v["display_name"] = "trading bot";
            v["kind"] = "credential";
            v["expires_at"] = "2030-02-03T04:05:06+00:00";
            v["ip_allowlist"] = new JsonArray("203.0.113.0/24", "198.51.100.7/32");
            v["max_uses"] = 100;
            v["uses"] = 7;
            v["trading"] = JsonNode.Parse("""{"exchanges":["binance"],"symbols":null,"max_order_notional":1500.50,"price_band_percent":2.5,"daily_volume_cap":null}""");
            v["revoked"] = true;
            v["revoked_at"] = "2030-01-05T06:07:08+00:00";
        }));

        var result = await CliRunner.RunAsync(server.Environment(), "token", "lookup", "acc_bot");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("/api/v1/tokens/acc_bot", server.SingleRequest().PathAndQuery);
        var expected = new (string Field, string Value)[]
        {
            ("Accessor", "acc_bot"),
            ("Kind", "credential"),
            ("Name", "trading bot"),
            ("User", "6f1c2d3e-0000-4000-8000-000000000001"),
            ("Parent", "acc_parent0000000000000000"),
            ("Scopes", "tokens:read tokens:write"),
            ("Created", "2030-01-02 03:04:05Z"),
            ("Expires", "2030-02-03 04:05:06Z"),
            ("IP allowlist", "203.0.113.0/24 198.51.100.7/32"),
            ("Uses", "7 of 100"),
            ("Exchanges", "binance"),
            ("Symbols", "(any)"),
            ("Max order notional", "1500.50"),
            ("Price band", "2.5% around the market price"),
            ("Daily volume cap", "(no limit)"),
            ("Revoked", "yes, 2030-01-05 06:07:08Z"),
        };
        foreach (var (field, value) in expected)
        {
            Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(field)}\s+│\s+{System.Text.RegularExpressions.Regex.Escape(value)}\s", result.Stdout);
        }
    }

    [Fact]
    public async Task Lookup_RootTokenWithoutLimits_SaysSoInWords()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("GET", "/api/v1/tokens/self", 200, FakeTokenServer.View("acc_root", v =>
        {
            v["kind"] = "trader";
            v["parent"] = null;
        }));

        var result = await CliRunner.RunAsync(server.Environment(), "token", "lookup", "self");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("(none: the root of its tree)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("(any address)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("(none beyond its parent's)", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Expires\s+│\s+never", result.Stdout);
        Assert.Matches(@"Revoked\s+│\s+no\s", result.Stdout);
    }

    [Theory]
    [InlineData("lookup")]
    [InlineData("revoke")]
    [InlineData("log")]
    public async Task AccessorArgument_IsAToken_RefusedWithoutSendingOrEchoingIt(string command)
    {
        await using var server = await FakeTokenServer.StartAsync();
        const string pasted = "cof_api_PASTEDbyMistake0123456789abcdefghijklmnopq_XyZ789";

        var result = await CliRunner.RunAsync(server.Environment(), "token", command, pasted);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("That is a token, not an accessor", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("PASTEDbyMistake", result.Output, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("lookup", "../sys/seal")]
    [InlineData("revoke", "acc_x/../../sys/seal")]
    [InlineData("revoke", "acc x")]
    [InlineData("log", "acc_x?limit=1")]
    [InlineData("log", "")]
    public async Task AccessorArgument_NotAnAccessor_UsageErrorWithoutRequest(string command, string accessor)
    {
        await using var server = await FakeTokenServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "token", command, accessor);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("ACCESSOR must be a token's accessor", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("lookup")]
    [InlineData("revoke")]
    [InlineData("log")]
    public async Task AccessorArgument_Missing_UsageError(string command)
    {
        await using var server = await FakeTokenServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "token", command);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains($"coffer token {command} --help", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Lookup_UnknownAccessor_ShowsNotFoundAndExitsOne()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.OnProblem("GET", "/api/v1/tokens/acc_nope", 404, "not-found", "No such resource.", "No token with this accessor among yours.");

        var result = await CliRunner.RunAsync(server.Environment(), "token", "lookup", "acc_nope");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("Error: No such resource. — No token with this accessor among yours.", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task Lookup_IpNotAllowed_ShowsTheProblem()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.OnProblem("GET", "/api/v1/tokens/self", 403, "ip-not-allowed", "This token may not be used from this address.", "This token is bound to other IP ranges.");

        var result = await CliRunner.RunAsync(server.Environment(), "token", "lookup", "self");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("Error: This token may not be used from this address. — This token is bound to other IP ranges.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_Accessor_PostsToItsRevokeAndSaysHowManyWent()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("POST", "/api/v1/tokens/acc_bot/revoke", 200, new JsonObject { ["revoked"] = 3 });

        var result = await CliRunner.RunAsync(server.Environment(), "token", "revoke", "acc_bot");

        Assert.Equal(0, result.ExitCode);
        var request = server.SingleRequest();
        Assert.Equal(("POST", "/api/v1/tokens/acc_bot/revoke", "Bearer " + FakeTokenServer.CallerToken), (request.Method, request.PathAndQuery, request.Authorization));
        Assert.Equal(string.Empty, request.Body);
        Assert.Equal("Revoked acc_bot and every token below it: 3 tokens in all.", result.Stdout.Trim());
        Assert.DoesNotContain(FakeTokenServer.CallerToken, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_Self_RevokesTheCallingToken()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("POST", "/api/v1/tokens/self/revoke", 200, new JsonObject { ["revoked"] = 1 });

        var result = await CliRunner.RunAsync(server.Environment(), "token", "revoke", "self");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("/api/v1/tokens/self/revoke", server.SingleRequest().PathAndQuery);
        Assert.Contains("Revoked the calling token (COFFER_TOKEN) and every token below it: 1 token in all.", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("COFFER_TOKEN no longer works", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_AlreadyRevoked_SaysNothingWasLeft()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("POST", "/api/v1/tokens/acc_old/revoke", 200, new JsonObject { ["revoked"] = 0 });

        var result = await CliRunner.RunAsync(server.Environment(), "token", "revoke", "acc_old");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Nothing to revoke: acc_old and the tokens below it were already revoked.", result.Stdout.Trim());
    }

    [Fact]
    public async Task Revoke_Json_PrintsTheCount()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("POST", "/api/v1/tokens/acc_bot/revoke", 200, new JsonObject { ["revoked"] = 3 });

        var result = await CliRunner.RunAsync(server.Environment(), "token", "revoke", "acc_bot", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(3, JsonNode.Parse(result.Stdout)!["revoked"]!.GetValue<int>());
    }

    [Fact]
    public async Task Revoke_Forbidden_ShowsTheProblemAndExitsOne()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.OnProblem("POST", "/api/v1/tokens/acc_sibling/revoke", 403, "forbidden", "Not allowed.", "This token may revoke only itself and the tokens it created.");

        var result = await CliRunner.RunAsync(server.Environment(), "token", "revoke", "acc_sibling");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("Error: Not allowed. — This token may revoke only itself and the tokens it created.", result.Stderr, StringComparison.Ordinal);
    }
}
