using Coffer.Sandbox.Tests.Support;

namespace Coffer.Sandbox.Tests.Binance;

/// <summary>Request weight (429 then 418, rest-api.md "LIMITS") and the per-run fault plan, on the Binance front.</summary>
public sealed class BinanceLimitsAndFaultsTests
{
    [Fact]
    public async Task WeightOverLimit_Is429WithRetryAfter_ThenContinuing_Is418Ban()
    {
        // 25 weight per minute: exchangeInfo (20) fits once, the second one breaks the limit.
        await using var run = await SandboxRun.StartAsync(o => o with { Binance = o.Binance with { RequestWeightPerMinute = 25 } });

        var first = await run.Binance.GetAsync("/api/v3/exchangeInfo");
        var second = await run.Binance.GetAsync("/api/v3/exchangeInfo");
        run.Clock.Advance(TimeSpan.FromSeconds(1));
        var third = await run.Binance.GetAsync("/api/v3/time");

        Assert.Equal(200, first.Status);
        Assert.Equal("20", Assert.Single(first.Response.Headers.GetValues("X-MBX-USED-WEIGHT-1M")));
        Assert.Equal(429, second.Status);
        Assert.Equal(-1003, second.Body.GetProperty("code").GetInt32());
        Assert.Equal(TimeSpan.FromSeconds(60), second.Response.Headers.RetryAfter!.Delta);
        Assert.Equal(418, third.Status);
        Assert.Equal(-1003, third.Body.GetProperty("code").GetInt32());
        Assert.Equal(TimeSpan.FromSeconds(120), third.Response.Headers.RetryAfter!.Delta);
        Assert.Contains("IP banned until", third.Body.GetProperty("msg").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitingOutRetryAfter_AfterA429_IsServedAgain()
    {
        await using var run = await SandboxRun.StartAsync(o => o with { Binance = o.Binance with { RequestWeightPerMinute = 25 } });
        await run.Binance.GetAsync("/api/v3/exchangeInfo");
        var limited = await run.Binance.GetAsync("/api/v3/exchangeInfo");

        run.Clock.Advance(limited.Response.Headers.RetryAfter!.Delta!.Value);
        var after = await run.Binance.GetAsync("/api/v3/time");

        Assert.Equal(429, limited.Status);
        Assert.Equal(200, after.Status);
        Assert.Equal("1", Assert.Single(after.Response.Headers.GetValues("X-MBX-USED-WEIGHT-1M")));
    }

    [Fact]
    public async Task ServerErrorFault_Answers503InBinanceFormat_AndControlApiIsUntouched()
    {
        await using var run = await SandboxRun.StartAsync();
        await run.Binance.ControlAsync("/sandbox/faults", new { server_error = new { every = 1 } });

        var exchange = await run.Binance.GetAsync("/api/v3/time");
        var control = await run.Binance.GetAsync("/sandbox/prices");

        Assert.Equal(503, exchange.Status);
        Assert.Equal(-1001, exchange.Body.GetProperty("code").GetInt32());
        Assert.Equal(200, control.Status);
        var logged = Assert.Single((await run.Binance.GetAsync("/sandbox/requests")).Body.EnumerateArray());
        Assert.Equal("fault:503", logged.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task RateLimitFault_EveryThirdRequest_Is429WithRetryAfter()
    {
        await using var run = await SandboxRun.StartAsync();
        await run.Binance.ControlAsync("/sandbox/faults", new { rate_limit = new { every = 3 }, rate_limit_retry_after_seconds = 7 });

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await run.Binance.GetAsync("/api/v3/time")).Status);
        }

        run.Clock.Advance(TimeSpan.FromSeconds(1));
        var tooSoon = await run.Binance.GetAsync("/api/v3/time");

        Assert.Equal([200, 200, 429], statuses);
        // A client that ignores the fault's Retry-After is banned like one that ignores a real 429.
        Assert.Equal(418, tooSoon.Status);
    }

    [Fact]
    public async Task RateLimitFault_EveryRequest_ContinuingInsideRetryAfter_Is418Ban()
    {
        await using var run = await SandboxRun.StartAsync();
        await run.Binance.ControlAsync("/sandbox/faults", new { rate_limit = new { every = 1 }, rate_limit_retry_after_seconds = 2 });

        var first = await run.Binance.GetAsync("/api/v3/time");
        run.Clock.Advance(TimeSpan.FromSeconds(1));
        var tooSoon = await run.Binance.GetAsync("/api/v3/time");
        run.Clock.Advance(TimeSpan.FromSeconds(5));
        var stillBanned = await run.Binance.GetAsync("/api/v3/time");

        // A storm of 429s must not hide a client that keeps calling into it: inside Retry-After is a ban, as with real weight.
        Assert.Equal(429, first.Status);
        Assert.Equal(TimeSpan.FromSeconds(2), first.Response.Headers.RetryAfter!.Delta);
        Assert.Equal(418, tooSoon.Status);
        Assert.Equal(TimeSpan.FromSeconds(120), tooSoon.Response.Headers.RetryAfter!.Delta);
        Assert.Equal(418, stillBanned.Status);
        var outcomes = (await run.Binance.GetAsync("/sandbox/requests")).Body.EnumerateArray().Select(r => r.GetProperty("outcome").GetString());
        Assert.Equal(["fault:429", "fault:418", "fault:418"], outcomes);
    }

    [Fact]
    public async Task RateLimitFault_EveryRequest_WaitingOutRetryAfter_IsAnother429NotABan()
    {
        await using var run = await SandboxRun.StartAsync();
        await run.Binance.ControlAsync("/sandbox/faults", new { rate_limit = new { every = 1 }, rate_limit_retry_after_seconds = 2 });

        var first = await run.Binance.GetAsync("/api/v3/time");
        run.Clock.Advance(TimeSpan.FromSeconds(2));
        var second = await run.Binance.GetAsync("/api/v3/time");

        Assert.Equal((429, 429), (first.Status, second.Status));
    }

    [Fact]
    public async Task ClockSkewSetAfterA429_WaitingOutRetryAfter_IsServedNotBanned()
    {
        await using var run = await SandboxRun.StartAsync();
        await run.Binance.ControlAsync("/sandbox/faults", new { rate_limit = new { every = 1 }, rate_limit_retry_after_seconds = 2 });
        var limited = await run.Binance.GetAsync("/api/v3/time");

        // The exchange clock now runs 30 s behind; Retry-After is a duration on the host clock and has passed.
        await run.Binance.ControlAsync("/sandbox/faults", new { clock_skew_seconds = -30 });
        run.Clock.Advance(TimeSpan.FromSeconds(2));
        var after = await run.Binance.GetAsync("/api/v3/time");

        Assert.Equal((429, 200), (limited.Status, after.Status));
    }

    [Fact]
    public async Task LatencyFault_LongerThanTheClientTimeout_MakesTheClientTimeOut()
    {
        await using var run = await SandboxRun.StartAsync();
        await run.Binance.ControlAsync("/sandbox/faults", new { latency_ms = 5_000 });
        using var impatient = new HttpClient { BaseAddress = run.Host.BaseUrl(SandboxExchange.Binance), Timeout = TimeSpan.FromMilliseconds(200) };

        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.GetAsync(new Uri("/api/v3/time", UriKind.Relative)));
    }

    [Fact]
    public async Task TimeoutFault_HangsPastTheClientTimeout()
    {
        await using var run = await SandboxRun.StartAsync();
        await run.Binance.ControlAsync("/sandbox/faults", new { timeout = new { every = 1 }, timeout_ms = 60_000 });
        using var impatient = new HttpClient { BaseAddress = run.Host.BaseUrl(SandboxExchange.Binance), Timeout = TimeSpan.FromMilliseconds(200) };

        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.GetAsync(new Uri("/api/v3/time", UriKind.Relative)));
    }

    [Fact]
    public async Task ClockSkewFault_ShiftsServerTime_AndAnUnsyncedClientGets1021()
    {
        await using var run = await SandboxRun.StartAsync();
        var (apiKey, secret, _) = await run.Binance.IssueKeyAsync(["read"]);
        await run.Binance.ControlAsync("/sandbox/faults", new { clock_skew_seconds = 30 });

        var time = await run.Binance.GetAsync("/api/v3/time");
        var unsynced = await run.Binance.SignedAsync(HttpMethod.Get, "/api/v3/account", apiKey, secret);
        var synced = await run.Binance.SignedAsync(
            HttpMethod.Get, "/api/v3/account", apiKey, secret, timestamp: time.Body.GetProperty("serverTime").GetInt64());

        Assert.Equal(SandboxRun.Start.AddSeconds(30).ToUnixTimeMilliseconds(), time.Body.GetProperty("serverTime").GetInt64());
        Assert.Equal(-1021, unsynced.Body.GetProperty("code").GetInt32());
        Assert.Equal(200, synced.Status);
    }
}
