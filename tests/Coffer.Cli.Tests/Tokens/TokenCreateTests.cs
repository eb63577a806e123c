using System.Text.Json.Nodes;
using Coffer.Cli.Tests.Infrastructure;

namespace Coffer.Cli.Tests.Tokens;

public sealed class TokenCreateTests
{
    private const string NewToken = "cof_api_NEWtoken0123456789abcdefghijklmnopqrstuvwxy_Zz9876";
    private const string NewAccessor = "acc_new0000000000000000001";

    [Fact]
    public async Task Create_EveryOption_SendsExactlyThisBody()
    {
        await using var server = await CreatedServerAsync();

        var result = await CliRunner.RunAsync(
            server.Environment(),
            "token", "create",
            "--scope", "orders:write", "--scope", "portfolio:read", "--scope", "orders:write",
            "--ip", "203.0.113.0/24", "--ip", "2001:db8::1",
            "--ttl", "1h30m",
            "--max-uses", "25",
            "--name", "ci bot",
            "--max-notional", "1500.50",
            "--exchange", "binance", "--exchange", "kraken",
            "--symbol", "BTC/USDT",
            "--price-band-percent", "2.5",
            "--daily-volume-cap", "10000");

        Assert.Equal(0, result.ExitCode);
        var request = server.SingleRequest();
        Assert.Equal(("POST", "/api/v1/tokens"), (request.Method, request.PathAndQuery));
        Assert.Equal("Bearer " + FakeTokenServer.CallerToken, request.Authorization);
        var expected = JsonNode.Parse("""
            {
              "scopes": ["orders:write", "portfolio:read"],
              "display_name": "ci bot",
              "ttl_seconds": 5400,
              "ip_allowlist": ["203.0.113.0/24", "2001:db8::1"],
              "max_uses": 25,
              "trading": {
                "exchanges": ["binance", "kraken"],
                "symbols": ["BTC/USDT"],
                "max_order_notional": 1500.50,
                "price_band_percent": 2.5,
                "daily_volume_cap": 10000
              }
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(request.Body)), request.Body);
    }

    [Fact]
    public async Task Create_OnlyScopes_SendsScopesAndNothingThatWouldOverrideTheParent()
    {
        await using var server = await CreatedServerAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "token", "create", "--scope", "tokens:read");

        Assert.Equal(0, result.ExitCode);
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse("""{"scopes":["tokens:read"]}"""), JsonNode.Parse(server.SingleRequest().Body)),
            server.SingleRequest().Body);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("12h", 43_200)]
    [InlineData("30d", 2_592_000)]
    [InlineData("1h30m", 5_400)]
    [InlineData("1d2h3m4s", 93_784)]
    [InlineData("1h0m", 3_600)]
    public async Task Create_Ttl_SentAsSeconds(string ttl, long seconds)
    {
        await using var server = await CreatedServerAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "token", "create", "--scope", "tokens:read", "--ttl", ttl);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(seconds, JsonNode.Parse(server.SingleRequest().Body)!["ttl_seconds"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("0s")]
    [InlineData("0d0h")]
    [InlineData("-5m")]
    [InlineData("10")]
    [InlineData("h")]
    [InlineData("1.5h")]
    [InlineData("1H")]
    [InlineData("1w")]
    [InlineData("1h1h")]
    [InlineData("30m1h")]
    [InlineData("1h 30m")]
    [InlineData(" 1h")]
    [InlineData("1h30")]
    [InlineData("9999999999999s")]
    [InlineData("forever")]
    public async Task Create_BadTtl_UsageErrorWithoutRequest(string ttl)
    {
        await using var server = await FakeTokenServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "token", "create", "--scope", "tokens:read", "--ttl", ttl);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--ttl must be a duration greater than zero such as 90s, 15m, 12h, 30d or 1h30m", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("coffer token create --help", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("no scope", new[] { "--ttl", "1h" }, "--scope")]
    [InlineData("empty scope", new[] { "--scope", "" }, "--scope takes one scope per use")]
    [InlineData("two scopes in one", new[] { "--scope", "tokens:read tokens:write" }, "--scope takes one scope per use")]
    [InlineData("junk ip", new[] { "--scope", "tokens:read", "--ip", "203.0.113.0/33" }, "--ip must be an IP address or a CIDR range")]
    [InlineData("host name as ip", new[] { "--scope", "tokens:read", "--ip", "example.com" }, "--ip must be an IP address or a CIDR range")]
    [InlineData("zero uses", new[] { "--scope", "tokens:read", "--max-uses", "0" }, "--max-uses must be a whole number of at least 1, not '0'.")]
    [InlineData("negative uses", new[] { "--scope", "tokens:read", "--max-uses", "-3" }, "--max-uses must be a whole number of at least 1")]
    [InlineData("text uses", new[] { "--scope", "tokens:read", "--max-uses", "many" }, "--max-uses must be a whole number of at least 1, not 'many'.")]
    [InlineData("zero notional", new[] { "--scope", "tokens:read", "--max-notional", "0" }, "--max-notional must be a number greater than zero")]
    [InlineData("comma decimal", new[] { "--scope", "tokens:read", "--max-notional", "1,500" }, "--max-notional must be a number greater than zero")]
    [InlineData("negative band", new[] { "--scope", "tokens:read", "--price-band-percent", "-1" }, "--price-band-percent must be a number greater than zero")]
    [InlineData("exponent cap", new[] { "--scope", "tokens:read", "--daily-volume-cap", "1e6" }, "--daily-volume-cap must be a number greater than zero")]
    [InlineData("empty exchange", new[] { "--scope", "tokens:read", "--exchange", " " }, "--exchange cannot be empty.")]
    [InlineData("long name", new[] { "--scope", "tokens:read", "--name", "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn" }, "--name must be 1 to 100 printable characters.")]
    [InlineData("two values per --scope", new[] { "--scope", "tokens:read", "tokens:write" }, "tokens:write")]
    public async Task Create_InvalidArguments_UsageErrorWithoutRequest(string scenario, string[] options, string message)
    {
        await using var server = await FakeTokenServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment(), ["token", "create", .. options]);

        Assert.True(ExitCodes.Usage == result.ExitCode, $"{scenario}: exit {result.ExitCode}, {result.Output}");
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Create_Table_PrintsTheTokenExactlyOnceWithWarningAndAccessor()
    {
        await using var server = await CreatedServerAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "token", "create", "--scope", "tokens:read", "--ttl", "1h");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("WARNING: this token is shown only this once", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Token:    {NewToken}\n", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, Occurrences(result.Output, NewToken));
        Assert.Contains($"Accessor: {NewAccessor}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Scopes:   tokens:read", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Expires:  2030-01-02 04:04:05Z", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Parent:   acc_parent0000000000000000", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeTokenServer.CallerToken, result.Output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task Create_Json_PrintsTokenAccessorAndTheServersInfo()
    {
        await using var server = await CreatedServerAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "token", "create", "--scope", "tokens:read", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        var output = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.Equal(NewToken, output["token"]!.GetValue<string>());
        Assert.Equal(NewAccessor, output["accessor"]!.GetValue<string>());
        Assert.Equal(NewAccessor, output["info"]!["accessor"]!.GetValue<string>());
        Assert.Equal("acc_parent0000000000000000", output["info"]!["parent"]!.GetValue<string>());
        Assert.DoesNotContain(FakeTokenServer.CallerToken, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WiderThanParent_RendersTheProblemAndExitsOne()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.OnProblem("POST", "/api/v1/tokens", 400, "token-wider-than-parent", "A child token cannot be wider than its parent.", "the parent token does not hold the scope(s) admin.");

        var result = await CliRunner.RunAsync(server.Environment(), "token", "create", "--scope", "admin");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("Error: A child token cannot be wider than its parent. — the parent token does not hold the scope(s) admin.", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.DoesNotContain(FakeTokenServer.CallerToken, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WiderThanParentAsJson_PrintsTheProblemObject()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.OnProblem("POST", "/api/v1/tokens", 400, "token-wider-than-parent", "A child token cannot be wider than its parent.", "expiry");

        var result = await CliRunner.RunAsync(server.Environment(), "token", "create", "--scope", "admin", "--format", "json");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        var problem = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.Equal("urn:coffer:problem:token-wider-than-parent", problem["type"]!.GetValue<string>());
        Assert.Equal(400, problem["status"]!.GetValue<int>());
    }

    private static int Occurrences(string text, string value) => text.Split(value).Length - 1;

    private static async Task<FakeTokenServer> CreatedServerAsync()
    {
        var server = await FakeTokenServer.StartAsync();
        server.On("POST", "/api/v1/tokens", 201, new JsonObject
        {
            ["token"] = NewToken,
            ["accessor"] = NewAccessor,
            ["info"] = FakeTokenServer.View(NewAccessor, view =>
            {
                view["scopes"] = new JsonArray("tokens:read");
                view["expires_at"] = "2030-01-02T04:04:05.678+00:00";
            }),
        });
        return server;
    }
}
