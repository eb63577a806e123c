using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>
/// Connecting a Coinbase Advanced Trade account, over real HTTP against the sandbox, every request carrying an ES256 JWT
/// the vault signed: key_permissions, markets from /market/products, balances across account pages, and the keys that
/// must not connect (a wrong private key, an unknown key name) or must not trade (view only).
/// </summary>
public sealed class CoinbaseSandboxConnectTests
{
    private static readonly OrderRequest SmallLimitBuy = new() { Symbol = "BTC/USD", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.001m, Price = 50_000m };

    [Theory]
    [InlineData(new[] { "read", "trade" }, true, false)]
    [InlineData(new[] { "read" }, false, false)]
    [InlineData(new[] { "read", "trade", "transfer" }, true, true)]
    [InlineData(new[] { "read", "withdraw" }, false, true)]
    public async Task FetchPermissions_KeyPermissions_AreReadAsCoinbaseReportsThem(string[] issued, bool canTrade, bool movesFunds)
    {
        await using var sandbox = await CoinbaseSandbox.StartAsync();
        var client = await sandbox.ClientAsync(await sandbox.IssueKeyAsync(issued));

        var permissions = await client.FetchPermissionsAsync(default);

        // can_transfer is "deposit/withdrawal permissions" (get-api-key-permissions): withdrawal and transfer alike.
        Assert.True(permissions.CanRead);
        Assert.Equal(canTrade, permissions.CanTrade);
        Assert.Equal(movesFunds, permissions.CanWithdraw);
        Assert.Equal(movesFunds, permissions.CanTransfer);
        Assert.Equal(movesFunds, permissions.CanMoveFunds);
        Assert.Null(permissions.IpRestricted);
        Assert.Equal(canTrade, permissions.Reported.Contains("can_trade"));
        Assert.Equal(movesFunds, permissions.Reported.Contains("can_transfer"));
    }

    [Fact]
    public async Task FetchMarkets_SandboxProducts_EveryMarketWithItsRules()
    {
        await using var sandbox = await CoinbaseSandbox.StartAsync();
        var client = sandbox.Client(credentials: null);

        var markets = await client.FetchMarketsAsync(default);

        var expected = sandbox.Host.State.Engine.Markets;
        Assert.Equal(expected.Select(m => m.Symbol).Order(StringComparer.Ordinal), markets.Select(m => m.Symbol).Order(StringComparer.Ordinal));
        foreach (var want in expected)
        {
            var got = client.Markets.BySymbol(want.Symbol);
            Assert.Equal($"{want.Base}-{want.Quote}", got.Id);
            Assert.Equal((want.Base, want.Quote), (got.Base, got.Quote));
            Assert.True(got.Active);
            Assert.Equal(want.TickSize, got.PriceTick);
            Assert.Equal(want.LotStep, got.AmountStep);
            Assert.Equal(want.MinQty, got.MinAmount);
            Assert.Equal(want.MaxQty, got.MaxAmount);
            Assert.Equal(want.MinNotional, got.MinCost);
            Assert.Equal(want.MaxQty * want.MaxPrice, got.MaxCost);
        }
    }

    [Fact]
    public async Task FetchBalance_AcrossAccountPages_EqualsTheSandboxFreeUsedAndTotal()
    {
        // Pages of two accounts: the sandbox's seven currencies come in four pages, followed by cursor.
        await using var sandbox = await CoinbaseSandbox.StartAsync(o => o with { Coinbase = o.Coinbase with { MaxAccountsPerPage = 2 } });
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "BTC", 1.23456789m);
        await sandbox.DepositAsync(key.Account, "USD", 10_000.5m);
        await sandbox.DepositAsync(key.Account, "USD", 0.00000001m);
        await sandbox.DepositAsync(key.Account, "SOL", 3m);
        var client = await sandbox.ClientAsync(key);
        var resting = await client.CreateOrderAsync(SmallLimitBuy, default);

        var balances = await client.FetchBalanceAsync(default);

        var truth = await sandbox.BalancesAsync(key.Account);
        var currencies = sandbox.Host.State.Engine.Markets.SelectMany(m => new[] { m.Base, m.Quote }).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(currencies, balances.ByCurrency.Keys.Order(StringComparer.Ordinal));
        foreach (var currency in currencies)
        {
            var (free, locked) = truth.GetValueOrDefault(currency);
            Assert.Equal(new Balance(currency, free, locked, free + locked), balances.ByCurrency[currency]);
        }

        // The resting buy holds its value and its most expensive fee (taker 0.26%), in USD.
        Assert.Equal(new Balance("USD", 10_000.50000001m - 50.13m, 50.13m, 10_000.50000001m), balances.ByCurrency["USD"]);
        Assert.Equal(OrderStatus.Open, resting.Status);
        var pages = (await sandbox.RequestsAsync()).Where(r => r.Path == "/api/v3/brokerage/accounts").ToList();
        Assert.Equal(4, pages.Count);
        Assert.All(pages, r => Assert.Equal("ok", r.Outcome));
    }

    [Fact]
    public async Task SignedCalls_WrongPrivateKey_AreAuthenticationErrors_AndNothingIsPlaced()
    {
        await using var sandbox = await CoinbaseSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "USD", 1_000m);
        var wrongPem = CoinbaseSandbox.NewPem();
        sandbox.Secrets.Add(wrongPem);
        var client = await sandbox.ClientAsync(key, secret: wrongPem);

        var refusals = new[]
        {
            await Assert.ThrowsAsync<ExchangeException>(() => client.FetchPermissionsAsync(default)),
            await Assert.ThrowsAsync<ExchangeException>(() => client.FetchBalanceAsync(default)),
            await Assert.ThrowsAsync<ExchangeException>(() => client.CreateOrderAsync(SmallLimitBuy, default)),
        };

        Assert.All(refusals, e => Assert.Equal((ExchangeErrorKind.Authentication, "401", false), (e.Kind, e.ExchangeCode, e.IsTransient)));
        Assert.Empty(sandbox.Host.State.Engine.GetOrders(key.Account));
        Assert.Equal((1_000m, 0m), (await sandbox.BalancesAsync(key.Account))["USD"]);
        var signed = (await sandbox.RequestsAsync()).Where(r => r.ApiKey == key.ApiKey).ToList();
        Assert.Equal(3, signed.Count);
        Assert.All(signed, r => Assert.Equal((401, "unauthorized:signature"), (r.Status, r.Outcome)));
    }

    [Fact]
    public async Task SignedCalls_UnknownKeyName_IsAnAuthenticationError()
    {
        await using var sandbox = await CoinbaseSandbox.StartAsync();
        var stranger = CoinbaseSandbox.UnknownKey();
        sandbox.Secrets.Add(stranger.Secret);
        var client = await sandbox.ClientAsync(stranger);

        var permissions = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchPermissionsAsync(default));
        var order = await Assert.ThrowsAsync<ExchangeException>(() => client.CreateOrderAsync(SmallLimitBuy, default));

        Assert.Equal((ExchangeErrorKind.Authentication, "401"), (permissions.Kind, permissions.ExchangeCode));
        Assert.Equal((ExchangeErrorKind.Authentication, "401"), (order.Kind, order.ExchangeCode));
        Assert.All((await sandbox.RequestsAsync()).Where(r => r.ApiKey == stranger.ApiKey), r => Assert.Equal("unauthorized:unknown-key", r.Outcome));
    }

    [Fact]
    public async Task CreateOrder_ViewOnlyKey_IsAPermissionError_AndNothingIsPlaced()
    {
        await using var sandbox = await CoinbaseSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read");
        await sandbox.DepositAsync(key.Account, "USD", 1_000m);
        var client = await sandbox.ClientAsync(key);

        var refused = await Assert.ThrowsAsync<ExchangeException>(() => client.CreateOrderAsync(SmallLimitBuy, default));

        Assert.Equal((ExchangeErrorKind.Permission, "PERMISSION_DENIED", false), (refused.Kind, refused.ExchangeCode, refused.IsTransient));
        Assert.Empty(sandbox.Host.State.Engine.GetOrders(key.Account));
        Assert.Equal(1_000m, (await client.FetchBalanceAsync(default)).ByCurrency["USD"].Free);
    }
}
