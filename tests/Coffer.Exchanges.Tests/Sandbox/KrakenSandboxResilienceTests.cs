using Coffer.Exchanges.Kraken;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>
/// Kraken's rate limits and clock against the sandbox, over real HTTP and the system clock: a fault storm of
/// <c>EAPI:Rate limit exceeded</c>, the front's own REST and matching-engine counters set below what Coffer assumes, and
/// a skewed exchange clock. Kraken extends a restriction into <c>EGeneral:Temporary lockout</c> when calls keep coming
/// while it is active, so every scenario checks the sandbox's request log for counter refusals and lockouts.
/// </summary>
public sealed class KrakenSandboxResilienceTests
{
    private const string RateLimit = "EAPI:Rate limit exceeded";
    private const string Lockout = "EGeneral:Temporary lockout";

    [Fact]
    public async Task RateLimitStorm_BackOffGrows_NextCallsWaitForTheCounter_NoLockout()
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "USD", 250m);
        var client = await sandbox.ClientAsync(key);
        await client.FetchMarketsAsync(default);
        await sandbox.SetFaultsAsync(new { rate_limit = new { every = 1 } });

        // Three calls into the storm, one after another: each waits out the previous refusal's pause and the counter
        // Kraken filled, so none reaches the sandbox while the key's restriction is still active.
        var storm = new List<ExchangeException>
        {
            await Assert.ThrowsAsync<ExchangeException>(() => client.FetchBalanceAsync(default)),
            await Assert.ThrowsAsync<ExchangeException>(() => client.FetchOpenOrdersAsync("BTC/USD", default)),
            await Assert.ThrowsAsync<ExchangeException>(() => client.FetchPermissionsAsync(default)),
        };
        await sandbox.ClearFaultsAsync();
        var balance = await client.FetchBalanceAsync(default);
        var open = await client.FetchOpenOrdersAsync(null, default);

        Assert.All(storm, e =>
        {
            Assert.Equal(ExchangeErrorKind.RateLimited, e.Kind);
            Assert.Equal(RateLimit, e.ExchangeCode);
            Assert.True(e.IsTransient);
        });
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], storm.Select(e => e.RetryAfter));
        Assert.Equal(250m, balance.ByCurrency["USD"].Free);
        Assert.Empty(open);
        var signed = (await sandbox.RequestsAsync()).Where(r => r.Path.StartsWith("/0/private/", StringComparison.Ordinal)).ToList();
        Assert.Equal(["fault:429", "fault:429", "fault:429", "ok", "ok"], signed.Select(r => r.Outcome));
        Assert.All(signed, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task PublicCall_InAStorm_IsARateLimitNotABadRequest_AndPausesTheBudget()
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        var client = sandbox.Client(credentials: null);
        await sandbox.SetFaultsAsync(new { rate_limit = new { every = 1 } });

        var refused = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchTimeAsync(default));
        await sandbox.ClearFaultsAsync();
        var markets = await client.FetchMarketsAsync(default);

        Assert.Equal((ExchangeErrorKind.RateLimited, "EGeneral:Too many requests", true), (refused.Kind, refused.ExchangeCode, refused.IsTransient));
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.NotEmpty(markets);
        Assert.Equal(["fault:429", "ok"], (await sandbox.RequestsAsync()).Select(r => r.Outcome));
    }

    [Fact]
    public async Task CallCounterBelowCofferAssumption_OneRefusal_ThenPacedByTheFilledCounter_NoLockout()
    {
        // Another app spending on the key, or a counter lower than documented: it stops at 10, below the 12 Coffer uses of Starter's 15.
        await using var sandbox = await KrakenSandbox.StartAsync(o => o with { Kraken = o.Kraken with { CallCounterMax = 10m } });
        var key = await sandbox.IssueKeyAsync("read", "trade");
        var client = await sandbox.ClientAsync(key);

        var refused = new List<ExchangeException>();
        for (var i = 0; i < 13; i++)
        {
            try
            {
                await client.FetchBalanceAsync(default);
            }
            catch (ExchangeException e) when (e.Kind == ExchangeErrorKind.RateLimited)
            {
                refused.Add(e);
            }
        }

        var only = Assert.Single(refused);
        Assert.Equal(RateLimit, only.ExchangeCode);
        var outcomes = (await sandbox.RequestsAsync()).Where(r => r.Path == "/0/private/BalanceEx").Select(r => r.Outcome).ToList();
        Assert.Equal([.. Enumerable.Repeat("ok", 10), RateLimit, "ok", "ok"], outcomes);
    }

    [Fact]
    public async Task MatchingEngineCounterBelowCofferAssumption_OneOrderRefused_TheNextWaitsAndIsPlaced()
    {
        await using var sandbox = await KrakenSandbox.StartAsync(o => o with { Kraken = o.Kraken with { TradingCounterMax = 5m } });
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "USD", 1_000m);
        await sandbox.SetPriceAsync("BTC/USD", 60_000m);
        var client = await sandbox.ClientAsync(key);
        var order = new OrderRequest { Symbol = "BTC/USD", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.001m, Price = 50_000m };

        var refused = new List<ExchangeException>();
        for (var i = 0; i < 7; i++)
        {
            try
            {
                await client.CreateOrderAsync(order, default);
            }
            catch (ExchangeException e) when (e.Kind == ExchangeErrorKind.RateLimited)
            {
                refused.Add(e);
            }
        }

        Assert.Equal("EOrder:Rate limit exceeded", Assert.Single(refused).ExchangeCode);
        Assert.Equal(6, sandbox.Host.State.Engine.GetOrders(key.Account).Count);
        var outcomes = (await sandbox.RequestsAsync()).Where(r => r.Path == "/0/private/AddOrder").Select(r => r.Outcome).ToList();
        Assert.Equal([.. Enumerable.Repeat("ok", 5), "EOrder:Rate limit exceeded", "ok"], outcomes);
        Assert.DoesNotContain(Lockout, outcomes);
    }

    [Theory]
    [InlineData(-3)]
    [InlineData(3)]
    public async Task ClockSkew_IsAbsorbed_NonceStaysIncreasingWhenTheMeasuredOffsetGoesBack(int skewSeconds)
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "USD", 1_000m);
        var client = await sandbox.ClientAsync(key);
        await client.FetchMarketsAsync(default);
        await client.FetchBalanceAsync(default);
        await sandbox.SetFaultsAsync(new { clock_skew_seconds = skewSeconds });

        // Kraken checks nonces, not timestamps: a signed call goes through first time under the skew.
        Assert.Equal(1_000m, (await client.FetchBalanceAsync(default)).ByCurrency["USD"].Free);

        // Measuring the skew moves Coffer's clock (and so its next nonce's base) by it, 3 s back for −3: the nonce store
        // still hands out a nonce above the last one sent, or Kraken would refuse it.
        var serverTime = await client.FetchTimeAsync(default);
        var order = await client.CreateOrderAsync(new OrderRequest { Symbol = "BTC/USD", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.001m, Price = 50_000m, ClientOrderId = "e2e-skew" }, default);
        var open = await client.FetchOpenOrdersAsync("BTC/USD", default);

        Assert.InRange(sandbox.Services.ClockFor(KrakenClient.Id, sandbox.BaseUri).Offset.TotalSeconds, skewSeconds - 1.5, skewSeconds + 0.5);
        Assert.Equal(order.Id, Assert.Single(open).Id);
        Assert.NotEqual(default, serverTime);
        var requests = await sandbox.RequestsAsync();
        Assert.Equal(["/0/public/AssetPairs", "/0/private/BalanceEx", "/0/private/BalanceEx", "/0/public/Time", "/0/private/AddOrder", "/0/private/OpenOrders"], requests.Select(r => r.Path));
        Assert.All(requests, r => Assert.Equal("ok", r.Outcome));
    }
}
