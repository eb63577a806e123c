using Coffer.Exchanges.Coinbase;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>
/// The shared request budget and the JWT's time window against the sandbox's Coinbase front, over real HTTP and the
/// system clock (as <see cref="BinanceSandboxResilienceTests"/>): a 429 storm from the fault plan, the front's own
/// per-key limiter, and a server clock a few seconds off. Every scenario is a fixed number of calls.
/// </summary>
public sealed class CoinbaseSandboxResilienceTests
{
    [Fact]
    public async Task RateLimitStorm_SharedBudgetBacksOff_NoBanAndCallsSucceedAfterwards()
    {
        await using var sandbox = await CoinbaseSandbox.StartAsync();
        var keyA = await sandbox.IssueKeyAsync("read", "trade");
        var keyB = await sandbox.IssueKeyAsync("read", "trade");
        var a = await sandbox.ClientAsync(keyA);
        var b = await sandbox.ClientAsync(keyB);
        await a.FetchMarketsAsync(default);
        b.Markets.Load(a.Markets.All);
        await sandbox.SetFaultsAsync(new { rate_limit = new { every = 1 }, rate_limit_retry_after_seconds = 1 });

        // Three calls into the storm, from two keys behind one address and a public call: each waits out the previous
        // 429's pause, which every budget of the address shares.
        var storm = new List<ExchangeException>
        {
            await Assert.ThrowsAsync<ExchangeException>(() => a.FetchBalanceAsync(default)),
            await Assert.ThrowsAsync<ExchangeException>(() => b.FetchOpenOrdersAsync("BTC/USD", default)),
            await Assert.ThrowsAsync<ExchangeException>(() => a.FetchTimeAsync(default)),
        };
        var paused = sandbox.Services.Budgets.For(CoinbaseClient.Id, keyB.ApiKey, sandbox.BaseUri.Authority, [CoinbaseRateLimits.PrivateRule]).PausedUntil;
        await sandbox.ClearFaultsAsync();

        var after = await Task.WhenAll(
            a.FetchBalanceAsync(default).ContinueWith(t => t.Result.ByCurrency.Count, TaskScheduler.Default),
            b.FetchBalanceAsync(default).ContinueWith(t => t.Result.ByCurrency.Count, TaskScheduler.Default),
            b.FetchOpenOrdersAsync("BTC/USD", default).ContinueWith(t => t.Result.Count, TaskScheduler.Default));

        Assert.All(storm, e =>
        {
            Assert.Equal(ExchangeErrorKind.RateLimited, e.Kind);
            Assert.Equal("429", e.ExchangeCode);
            Assert.True(e.IsTransient);
            Assert.True(e.RetryAfter >= TimeSpan.FromSeconds(1));
        });
        Assert.NotNull(paused);
        Assert.All(after.Take(2), count => Assert.True(count > 0));
        Assert.Equal(0, after[2]);

        // Zero bans: nothing but the three faults was refused, and the storm's end is served.
        var requests = await sandbox.RequestsAsync();
        Assert.Equal(["fault:429", "fault:429", "fault:429"], requests.Where(r => r.Status != 200).Select(r => r.Outcome));
        Assert.Equal([200, 200, 200], requests.TakeLast(3).Select(r => r.Status));
    }

    [Fact]
    public async Task FrontLimiter_ThreePerSecondPerKey_TheBudgetFollowsTheRateLimitHeaders_NoRequestIsRefused()
    {
        await using var sandbox = await CoinbaseSandbox.StartAsync(o => o with { Coinbase = o.Coinbase with { PrivateRequestsPerSecond = 3 } });
        var key = await sandbox.IssueKeyAsync("read", "trade");
        var client = await sandbox.ClientAsync(key);

        // Ten calls in a row, three times what a second allows: x-ratelimit-remaining reaching 0 fills the budget, so the
        // connector waits for the next second instead of being refused.
        for (var i = 0; i < 10; i++)
        {
            Assert.True((await client.FetchPermissionsAsync(default)).CanTrade);
        }

        var requests = (await sandbox.RequestsAsync()).Where(r => r.ApiKey == key.ApiKey).ToList();
        Assert.Equal(10, requests.Count);
        Assert.All(requests, r => Assert.Equal((200, "ok"), (r.Status, r.Outcome)));
    }

    [Theory]
    [InlineData(-3, false)]
    [InlineData(3, false)]
    [InlineData(-3, true)]
    [InlineData(3, true)]
    [InlineData(-6, false)]
    [InlineData(-6, true)]
    [InlineData(130, false)]
    public async Task ClockSkew_InsideTheJwtWindowIsAccepted_OutsideItOne401LeadsToATimeCheckAndAResignedRequest(int skewSeconds, bool placeOrder)
    {
        await using var sandbox = await CoinbaseSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "USD", 1_000m);
        var client = await sandbox.ClientAsync(key);
        await client.FetchMarketsAsync(default);
        await sandbox.SetFaultsAsync(new { clock_skew_seconds = skewSeconds });

        if (placeOrder)
        {
            var order = await client.CreateOrderAsync(new OrderRequest { Symbol = "BTC/USD", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.001m, Price = 50_000m, ClientOrderId = "e2e-skew" }, default);
            Assert.Equal(OrderStatus.Open, order.Status);
        }
        else
        {
            Assert.Equal(1_000m, (await client.FetchBalanceAsync(default)).ByCurrency["USD"].Free);
        }

        // Measured through /v2/time (whole seconds), the offset is the skew, and signed calls go on being accepted.
        await client.FetchTimeAsync(default);
        Assert.Equal(placeOrder ? 1 : 0, (await client.FetchOpenOrdersAsync("BTC/USD", default)).Count);

        Assert.InRange(client.Clock.Offset.TotalSeconds, skewSeconds - 1, skewSeconds + 1);
        var signed = (await sandbox.RequestsAsync()).Where(r => !r.Path.StartsWith("/api/v3/brokerage/market/", StringComparison.Ordinal)).Select(r => (r.Path, r.Outcome)).ToList();
        var path = placeOrder ? "/api/v3/brokerage/orders" : "/api/v3/brokerage/accounts";

        // Unmeasured, a JWT's nbf (now) and exp (now + 120 s) suit a server 3 s ahead or behind. 6 s behind, nbf is past
        // the server's 5 s allowance; 130 s ahead, exp has passed: the 401 is followed by a time check and one retry.
        (string, string)[] first = skewSeconds is >= -5 and <= 120
            ? [(path, "ok")]
            : [(path, "unauthorized:expired-or-not-yet-valid"), ("/v2/time", "ok"), (path, "ok")];
        Assert.Equal([.. first, ("/v2/time", "ok"), ("/api/v3/brokerage/orders/historical/batch", "ok")], signed);
        Assert.Equal(placeOrder ? 1 : 0, sandbox.Host.State.Engine.GetOrders(key.Account).Count);
    }

    [Fact]
    public async Task WrongPrivateKey_TheTimeCheckFindsTheClockRight_SoItStaysOneAuthenticationError()
    {
        await using var sandbox = await CoinbaseSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade");
        var client = await sandbox.ClientAsync(key, secret: CoinbaseSandbox.NewPem());

        var refused = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchBalanceAsync(default));

        Assert.Equal(ExchangeErrorKind.Authentication, refused.Kind);
        var requests = await sandbox.RequestsAsync();
        Assert.Equal([("/api/v3/brokerage/accounts", "unauthorized:signature"), ("/v2/time", "ok")], requests.Select(r => (r.Path, r.Outcome)));
    }
}
