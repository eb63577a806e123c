using Coffer.Exchanges.Binance;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>
/// The shared request budget and the exchange clock against the sandbox's fault plan, over real HTTP and the system
/// clock (the connector's budget waits on its TimeProvider while Kestrel and the HTTP stack run on real time, so a manual
/// clock would not drive both cleanly): Retry-After is kept at 1 s and every scenario is a fixed number of calls.
/// </summary>
public sealed class BinanceSandboxResilienceTests
{
    [Fact]
    public async Task RateLimitStorm_SharedBudgetBacksOff_NoBanAndCallsSucceedAfterwards()
    {
        await using var sandbox = await BinanceSandbox.StartAsync();
        var keyA = await sandbox.IssueKeyAsync("read", "trade");
        var keyB = await sandbox.IssueKeyAsync("read", "trade");
        var a = await sandbox.ClientAsync(keyA);
        var b = await sandbox.ClientAsync(keyB);
        await a.FetchMarketsAsync(default);
        await b.FetchMarketsAsync(default);
        await sandbox.SetFaultsAsync(new { rate_limit = new { every = 1 }, rate_limit_retry_after_seconds = 1 });

        // Three calls into the storm, from two accounts behind one address: each after the previous 429's pause, which the
        // budget shares (the sandbox bans the address for a request inside Retry-After, whichever key it carries).
        var storm = new List<ExchangeException>
        {
            await Assert.ThrowsAsync<ExchangeException>(() => a.FetchBalanceAsync(default)),
            await Assert.ThrowsAsync<ExchangeException>(() => b.FetchOpenOrdersAsync("BTC/USDT", default)),
            await Assert.ThrowsAsync<ExchangeException>(() => a.FetchTimeAsync(default)),
        };
        var paused = sandbox.Services.Budgets.For("binance", keyB.ApiKey, sandbox.BaseUri.Authority, BinanceRateLimits.Rules).PausedUntil;
        await sandbox.ClearFaultsAsync();

        // The burst is over: every caller waits out the last pause together, then each call goes through.
        var after = await Task.WhenAll(
            a.FetchBalanceAsync(default).ContinueWith(t => t.Result.ByCurrency.Count, TaskScheduler.Default),
            b.FetchBalanceAsync(default).ContinueWith(t => t.Result.ByCurrency.Count, TaskScheduler.Default),
            b.FetchOpenOrdersAsync("BTC/USDT", default).ContinueWith(t => t.Result.Count, TaskScheduler.Default));

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
        var requests = await sandbox.RequestsAsync();
        Assert.Equal(3, requests.Count(r => r.Status == 429));
        Assert.Equal(0, requests.Count(r => r.Status == 418));
        Assert.Equal([200, 200, 200], requests.TakeLast(3).Select(r => r.Status));
    }

    [Theory]
    [InlineData(-3, false)]
    [InlineData(3, false)]
    [InlineData(-3, true)]
    [InlineData(6, false)]
    [InlineData(6, true)]
    public async Task ClockSkew_FirstSignedCallMayGet1021_OffsetIsRemeasured_AndTheCallSucceeds(int skewSeconds, bool placeOrder)
    {
        await using var sandbox = await BinanceSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "USDT", 1_000m);
        var client = await sandbox.ClientAsync(key);
        await client.FetchMarketsAsync(default);
        await sandbox.SetFaultsAsync(new { clock_skew_seconds = skewSeconds });

        if (placeOrder)
        {
            var order = await client.CreateOrderAsync(new Model.OrderRequest { Symbol = "BTC/USDT", Side = Model.OrderSide.Buy, Type = Model.OrderType.Limit, Amount = 0.001m, Price = 50_000m, ClientOrderId = "e2e-skew" }, default);
            Assert.Equal(Model.OrderStatus.Open, order.Status);
        }
        else
        {
            Assert.Equal(1_000m, (await client.FetchBalanceAsync(default)).ByCurrency["USDT"].Free);
        }

        // A second signed call goes through first time, on the offset measured.
        Assert.Equal(placeOrder ? 1 : 0, (await client.FetchOpenOrdersAsync("BTC/USDT", default)).Count);

        var signed = (await sandbox.RequestsAsync()).Where(r => r.Path != "/api/v3/exchangeInfo").ToList();
        var path = placeOrder ? "/api/v3/order" : "/api/v3/account";

        // Binance accepts timestamp < serverTime + 1 s and serverTime − timestamp ≤ recvWindow (5000 ms): a server 3 s
        // behind refuses Coffer's first timestamp; 3 s ahead is inside the window; 6 s ahead is outside it.
        var refusedFirst = skewSeconds is < 0 or > 5;
        if (refusedFirst)
        {
            Assert.Equal([(path, "-1021"), ("/api/v3/time", "ok"), (path, "ok"), ("/api/v3/openOrders", "ok")], signed.Select(r => (r.Path, r.Outcome)));
            Assert.InRange(client.Clock.Offset.TotalSeconds, skewSeconds - 0.5, skewSeconds + 0.5);
        }
        else
        {
            Assert.Equal([(path, "ok"), ("/api/v3/openOrders", "ok")], signed.Select(r => (r.Path, r.Outcome)));
        }

        Assert.Equal(placeOrder ? 1 : 0, sandbox.Host.State.Engine.GetOrders(key.Account).Count);
    }
}
