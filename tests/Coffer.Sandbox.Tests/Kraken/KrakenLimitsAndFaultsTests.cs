using Coffer.Sandbox.Kraken;
using Coffer.Sandbox.Tests.Support;
using static Coffer.Sandbox.Tests.Support.KrakenTestClient;

namespace Coffer.Sandbox.Tests.Kraken;

/// <summary>Kraken's decaying call counters (spot-rest-ratelimits, spot-ratelimits) and the fault plan on the Kraken front.</summary>
public sealed class KrakenLimitsAndFaultsTests
{
    private static readonly string[] ReadTrade = ["read", "trade"];

    /// <summary>An Intermediate-tier account (REST counter 20, −0.5/s), unless <paramref name="configure"/> says otherwise.</summary>
    private static Task<SandboxRun> StartAsync(Func<SandboxOptions, SandboxOptions>? configure = null) =>
        SandboxRun.StartAsync(o => (configure ?? (x => x))(o with { Kraken = KrakenOptions.Intermediate }), exchange: SandboxExchange.Kraken);

    [Fact]
    public async Task CallCounter_ByDefault_IsAStarterAccounts_Allows15_Refuses16th()
    {
        await using var run = await SandboxRun.StartAsync(exchange: SandboxExchange.Kraken);
        var (apiKey, secret, _) = await run.Kraken.IssueKeyAsync(ReadTrade);

        var errors = new List<string[]>();
        for (var i = 0; i < 16; i++)
        {
            errors.Add(Errors((await run.Kraken.PrivateAsync("Balance", apiKey, secret)).Body));
        }

        Assert.All(errors.Take(15), Assert.Empty);
        Assert.Equal(["EAPI:Rate limit exceeded"], errors[15]);
    }

    [Fact]
    public async Task CallCounter_Allows20_Refuses21st_ThenDecaysHalfACallPerSecond()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, _) = await run.Kraken.IssueKeyAsync(ReadTrade);
        var (otherKey, otherSecret, _) = await run.Kraken.IssueKeyAsync(ReadTrade);

        var errors = new List<string[]>();
        for (var i = 0; i < 21; i++)
        {
            errors.Add(Errors((await run.Kraken.PrivateAsync("Balance", apiKey, secret)).Body));
        }

        var (_, otherKeyServed) = await run.Kraken.PrivateAsync("Balance", otherKey, otherSecret);
        run.Clock.Advance(TimeSpan.FromSeconds(1));
        var (_, afterOneSecond) = await run.Kraken.PrivateAsync("Balance", apiKey, secret);
        run.Clock.Advance(TimeSpan.FromSeconds(1));
        var (_, afterTwoSeconds) = await run.Kraken.PrivateAsync("Balance", apiKey, secret);

        Assert.All(errors.Take(20), Assert.Empty);
        Assert.Equal(["EAPI:Rate limit exceeded"], errors[20]);
        Assert.Empty(Errors(otherKeyServed));
        Assert.Equal(["EAPI:Rate limit exceeded"], Errors(afterOneSecond));
        Assert.Empty(Errors(afterTwoSeconds));
    }

    [Fact]
    public async Task TradesHistory_CostsTwo_SoTheEleventhIsRefused()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, _) = await run.Kraken.IssueKeyAsync(ReadTrade);

        var errors = new List<string[]>();
        for (var i = 0; i < 11; i++)
        {
            errors.Add(Errors((await run.Kraken.PrivateAsync("TradesHistory", apiKey, secret)).Body));
        }

        Assert.All(errors.Take(10), Assert.Empty);
        Assert.Equal(["EAPI:Rate limit exceeded"], errors[10]);
    }

    [Fact]
    public async Task MatchingEngineCounter_OverItsCeiling_IsEOrderRateLimit_AndAddOrderSkipsTheCallCounter()
    {
        await using var run = await StartAsync(o => o with { Kraken = o.Kraken with { TradingCounterMax = 25m } });
        var (apiKey, secret, account) = await run.Kraken.IssueKeyAsync(ReadTrade);
        await run.Kraken.DepositAsync(account, "USD", 100_000m);

        var errors = new List<string[]>();
        for (var i = 0; i < 26; i++)
        {
            errors.Add(Errors((await run.Kraken.PrivateAsync("AddOrder", apiKey, secret, "pair=XBTUSD&type=buy&ordertype=limit&price=40000&volume=0.01")).Body));
        }

        // 25 orders passed although the REST call counter stops at 20: AddOrder is on the matching-engine limiter.
        Assert.All(errors.Take(25), Assert.Empty);
        Assert.Equal(["EOrder:Rate limit exceeded"], errors[25]);
        Assert.Equal(25, run.Host.State.Engine.GetOrders(account).Count);
    }

    [Fact]
    public async Task ServerErrorFault_Answers503WithKrakenBody_AndIsLogged()
    {
        await using var run = await StartAsync();
        await run.Kraken.ControlAsync("/sandbox/faults", new { server_error = new { every = 1 } });

        var (status, body) = await run.Kraken.GetAsync("/0/public/Time");
        var control = await run.Kraken.GetAsync("/sandbox/prices");

        Assert.Equal(503, status);
        Assert.Equal(["EService:Unavailable"], Errors(body));
        Assert.Equal(200, control.Status);
        var logged = Assert.Single((await run.Kraken.GetAsync("/sandbox/requests")).Body.EnumerateArray());
        Assert.Equal("fault:503", logged.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task RateLimitFault_IsEapiRateLimit_AndFillsTheKeysCounter()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, _) = await run.Kraken.IssueKeyAsync(ReadTrade);
        await run.Kraken.ControlAsync("/sandbox/faults", new { rate_limit = new { every = 1 } });

        var (status, faulted) = await run.Kraken.PrivateAsync("Balance", apiKey, secret);
        using (var clear = await run.Kraken.Http.DeleteAsync(new Uri("/sandbox/faults", UriKind.Relative)))
        {
            clear.EnsureSuccessStatusCode();
        }

        var (_, tooSoon) = await run.Kraken.PrivateAsync("Balance", apiKey, secret);
        run.Clock.Advance(TimeSpan.FromSeconds(2));
        var (_, later) = await run.Kraken.PrivateAsync("Balance", apiKey, secret);

        Assert.Equal(200, status);
        Assert.Equal(["EAPI:Rate limit exceeded"], Errors(faulted));
        Assert.Equal(["EAPI:Rate limit exceeded"], Errors(tooSoon));
        Assert.Empty(Errors(later));
    }

    [Fact]
    public async Task ClockSkewFault_ShiftsServerTime()
    {
        await using var run = await StartAsync();
        await run.Kraken.ControlAsync("/sandbox/faults", new { clock_skew_seconds = 30 });

        var time = Result((await run.Kraken.GetAsync("/0/public/Time")).Body);

        Assert.Equal(SandboxRun.Start.AddSeconds(30).ToUnixTimeSeconds(), time.GetProperty("unixtime").GetInt64());
    }

    [Fact]
    public async Task TimeoutFault_HangsPastTheClientTimeout()
    {
        await using var run = await StartAsync();
        await run.Kraken.ControlAsync("/sandbox/faults", new { timeout = new { every = 1 }, timeout_ms = 60_000 });
        using var impatient = new HttpClient { BaseAddress = run.Host.BaseUrl(SandboxExchange.Kraken), Timeout = TimeSpan.FromMilliseconds(200) };

        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.GetAsync(new Uri("/0/public/Time", UriKind.Relative)));
    }
}
