using Coffer.Sandbox.Tests.Support;

namespace Coffer.Sandbox.Tests.Coinbase;

/// <summary>Requests per second (per key private, per IP public) and the per-run fault plan, on the Coinbase front.</summary>
public sealed class CoinbaseLimitsAndFaultsTests
{
    private const string Accounts = "/api/v3/brokerage/accounts";

    [Fact]
    public async Task PrivateLimitPerKey_Exceeded_Is429WithHeaders_AndTheNextSecondIsServed()
    {
        await using var run = await CoinbaseRun.StartAsync(o => o with { Coinbase = o.Coinbase with { PrivateRequestsPerSecond = 3 } });
        var (key, pem, _) = await run.Coinbase.IssueKeyAsync("read");
        var (other, otherPem, _) = await run.Coinbase.IssueKeyAsync("read");

        var statuses = new List<int>();
        CoinbaseAnswer last = null!;
        for (var i = 0; i < 4; i++)
        {
            last = await run.Coinbase.GetAsync(Accounts, key, pem);
            statuses.Add(last.Status);
        }

        var otherKey = await run.Coinbase.GetAsync(Accounts, other, otherPem);
        run.Clock.Advance(TimeSpan.FromSeconds(1));
        var later = await run.Coinbase.GetAsync(Accounts, key, pem);

        Assert.Equal([200, 200, 200, 429], statuses);
        Assert.Equal("3", last.Header("x-ratelimit-limit"));
        Assert.Equal("0", last.Header("x-ratelimit-remaining"));
        Assert.Equal((SandboxRun.Start.ToUnixTimeSeconds() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), last.Header("x-ratelimit-reset"));
        Assert.Equal(200, otherKey.Status);
        Assert.Equal(200, later.Status);
        Assert.Equal("2", later.Header("x-ratelimit-remaining"));
    }

    [Fact]
    public async Task PublicLimitPerIp_Exceeded_Is429()
    {
        await using var run = await CoinbaseRun.StartAsync(o => o with { Coinbase = o.Coinbase with { PublicRequestsPerSecond = 2 } });

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await run.Coinbase.PublicAsync("/api/v3/brokerage/time")).Status);
        }

        Assert.Equal([200, 200, 429], statuses);
    }

    [Fact]
    public async Task RateLimitFault_OnAPublicEndpoint_ReportsThePublicLimit()
    {
        await using var run = await CoinbaseRun.StartAsync();
        await run.Coinbase.ControlAsync("/sandbox/faults", new { rate_limit = new { every = 1 } });

        var answer = await run.Coinbase.PublicAsync("/api/v3/brokerage/market/products");

        Assert.Equal(429, answer.Status);
        Assert.Equal("10", answer.Header("x-ratelimit-limit"));
        Assert.Equal("RATE_LIMIT_EXCEEDED", answer.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ServerErrorFault_Answers503_AndIsLogged()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, _) = await run.Coinbase.IssueKeyAsync("read");
        await run.Coinbase.ControlAsync("/sandbox/faults", new { server_error = new { every = 1 } });

        var answer = await run.Coinbase.GetAsync(Accounts, key, pem);

        Assert.Equal(503, answer.Status);
        var logged = Assert.Single((await run.Coinbase.ControlGetAsync("/sandbox/requests")).EnumerateArray());
        Assert.Equal("fault:503", logged.GetProperty("outcome").GetString());
        Assert.Equal(key, logged.GetProperty("api_key").GetString());
    }

    [Fact]
    public async Task RateLimitFault_EverySecondRequest_Is429WithRateHeaders()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, _) = await run.Coinbase.IssueKeyAsync("read");
        await run.Coinbase.ControlAsync("/sandbox/faults", new { rate_limit = new { every = 2 }, rate_limit_retry_after_seconds = 4 });

        var first = await run.Coinbase.GetAsync(Accounts, key, pem);
        var second = await run.Coinbase.GetAsync(Accounts, key, pem);

        Assert.Equal(200, first.Status);
        Assert.Equal(429, second.Status);
        Assert.Equal("0", second.Header("x-ratelimit-remaining"));
        Assert.Equal((SandboxRun.Start.ToUnixTimeSeconds() + 4).ToString(System.Globalization.CultureInfo.InvariantCulture), second.Header("x-ratelimit-reset"));
    }

    [Fact]
    public async Task ClockSkewFault_AJwtFromASlowClockHasExpired_OneFromServerTimeIsAccepted()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, _) = await run.Coinbase.IssueKeyAsync("read");
        await run.Coinbase.ControlAsync("/sandbox/faults", new { clock_skew_seconds = 300 });

        var time = await run.Coinbase.PublicAsync("/api/v3/brokerage/time");
        var server = long.Parse(time.Body.GetProperty("epochSeconds").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var unsynced = await run.Coinbase.GetAsync(Accounts, key, pem);
        var synced = await run.Coinbase.SendAsync(HttpMethod.Get, Accounts, key, pem, edit: (_, c) => (c["nbf"], c["exp"]) = (server, server + 120));

        Assert.Equal(SandboxRun.Start.ToUnixTimeSeconds() + 300, server);
        Assert.Equal(401, unsynced.Status);
        Assert.Equal(200, synced.Status);
    }

    [Fact]
    public async Task AppTime_V2Time_IsPublicWholeSecondsAndFollowsTheClockSkew()
    {
        await using var run = await CoinbaseRun.StartAsync();
        run.Clock.Advance(TimeSpan.FromMilliseconds(750));

        var plain = await run.Coinbase.PublicAsync("/v2/time");
        await run.Coinbase.ControlAsync("/sandbox/faults", new { clock_skew_seconds = -3 });
        var skewed = await run.Coinbase.PublicAsync("/v2/time");
        await run.Coinbase.ControlAsync("/sandbox/faults", new { rate_limit = new { every = 1 } });
        var limited = await run.Coinbase.PublicAsync("/v2/time");

        // "Get Current Time" (docs.cdp.coinbase.com/coinbase-app/track-apis/time): {"data":{"iso":…,"epoch":number}}.
        Assert.Equal(200, plain.Status);
        Assert.Equal(SandboxRun.Start.ToUnixTimeSeconds(), plain.Body.GetProperty("data").GetProperty("epoch").GetInt64());
        Assert.Equal("2026-03-02T12:00:00Z", plain.Body.GetProperty("data").GetProperty("iso").GetString());
        Assert.Equal(SandboxRun.Start.ToUnixTimeSeconds() - 3, skewed.Body.GetProperty("data").GetProperty("epoch").GetInt64());
        Assert.Equal(429, limited.Status);
        Assert.Equal("10", limited.Header("x-ratelimit-limit"));
    }
}
