using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>
/// Connecting a Binance account, over real HTTP against the sandbox: key permissions (what the connections API refuses on),
/// markets from exchangeInfo, deposited balances, and a wrong secret.
/// </summary>
public sealed class BinanceSandboxConnectTests
{
    [Fact]
    public async Task FetchPermissions_ReadTradeKey_CanTradeButNeitherWithdrawNorTransfer()
    {
        await using var sandbox = await BinanceSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade");
        var client = await sandbox.ClientAsync(key);

        var permissions = await client.FetchPermissionsAsync(default);

        Assert.True(permissions.CanRead);
        Assert.True(permissions.CanTrade);
        Assert.False(permissions.CanWithdraw);
        Assert.False(permissions.CanTransfer);
        Assert.False(permissions.CanMoveFunds);
        Assert.False(permissions.IpRestricted);
        Assert.Equal(["enableReading", "enableSpotAndMarginTrading"], permissions.Reported.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FetchPermissions_WithdrawalKey_CanWithdraw()
    {
        await using var sandbox = await BinanceSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade", "withdraw");
        var client = await sandbox.ClientAsync(key);

        var permissions = await client.FetchPermissionsAsync(default);

        Assert.True(permissions.CanWithdraw);
        Assert.False(permissions.CanTransfer);
        Assert.True(permissions.CanMoveFunds);
    }

    [Fact]
    public async Task FetchPermissions_InternalTransferKey_CanTransfer()
    {
        await using var sandbox = await BinanceSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "transfer");
        var client = await sandbox.ClientAsync(key);

        var permissions = await client.FetchPermissionsAsync(default);

        Assert.True(permissions.CanTransfer);
        Assert.False(permissions.CanWithdraw);
        Assert.False(permissions.CanTrade);
        Assert.True(permissions.CanMoveFunds);
    }

    [Fact]
    public async Task FetchMarkets_SandboxExchangeInfo_EveryMarketWithItsRules()
    {
        await using var sandbox = await BinanceSandbox.StartAsync();
        var client = sandbox.Client(credentials: null);

        var markets = await client.FetchMarketsAsync(default);

        var expected = sandbox.Host.State.Engine.Markets;
        Assert.Equal(expected.Select(m => m.Symbol).Order(StringComparer.Ordinal), markets.Select(m => m.Symbol).Order(StringComparer.Ordinal));
        foreach (var want in expected)
        {
            var got = client.Markets.BySymbol(want.Symbol);
            Assert.Equal(want.Base + want.Quote, got.Id);
            Assert.Equal((want.Base, want.Quote), (got.Base, got.Quote));
            Assert.True(got.Active);
            Assert.Equal(want.TickSize, got.PriceTick);
            Assert.Equal(want.LotStep, got.AmountStep);
            Assert.Equal(want.MinQty, got.MinAmount);
            Assert.Equal(want.MaxQty, got.MaxAmount);
            Assert.Equal(want.MinNotional, got.MinCost);
            Assert.Equal(Enum.GetValues<OrderType>().ToHashSet(), got.OrderTypes);
        }
    }

    [Fact]
    public async Task FetchBalance_AfterDeposits_ReadsThemExactly()
    {
        await using var sandbox = await BinanceSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "BTC", 1.23456789m);
        await sandbox.DepositAsync(key.Account, "USDT", 10_000.5m);
        await sandbox.DepositAsync(key.Account, "USDT", 0.00000001m);
        var client = await sandbox.ClientAsync(key);

        var balances = await client.FetchBalanceAsync(default);

        Assert.Equal(new Balance("BTC", 1.23456789m, 0m, 1.23456789m), balances.ByCurrency["BTC"]);
        Assert.Equal(new Balance("USDT", 10_000.50000001m, 0m, 10_000.50000001m), balances.ByCurrency["USDT"]);
        Assert.Equal(0m, balances.ByCurrency["ETH"].Total);
        Assert.NotNull(balances.Timestamp);
    }

    [Fact]
    public async Task SignedCalls_WrongSecret_AreAuthenticationErrors()
    {
        await using var sandbox = await BinanceSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "USDT", 1_000m);
        var client = await sandbox.ClientAsync(key, secret: new string('x', 64));
        var markets = sandbox.Client(credentials: null);
        client.Markets.Load(await markets.FetchMarketsAsync(default));

        var balance = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchBalanceAsync(default));
        var permissions = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchPermissionsAsync(default));
        var order = await Assert.ThrowsAsync<ExchangeException>(() => client.CreateOrderAsync(
            new OrderRequest { Symbol = "BTC/USDT", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.001m, Price = 50_000m }, default));

        foreach (var refused in new[] { balance, permissions, order })
        {
            Assert.Equal(ExchangeErrorKind.Authentication, refused.Kind);
            Assert.Equal("-1022", refused.ExchangeCode);
            Assert.False(refused.IsTransient);
        }

        Assert.Empty(sandbox.Host.State.Engine.GetOrders(key.Account));
        Assert.Equal((1_000m, 0m), (await sandbox.BalancesAsync(key.Account))["USDT"]);
    }

    [Fact]
    public async Task SignedCalls_UnknownKeyOrMissingPermission_AreAuthenticationErrors()
    {
        await using var sandbox = await BinanceSandbox.StartAsync();
        var readOnly = await sandbox.IssueKeyAsync("read");
        var stranger = new SandboxKey(new string('K', 64), new string('s', 64), "nobody");
        var unknown = await sandbox.ClientAsync(stranger);
        var reader = await sandbox.ClientAsync(readOnly);
        reader.Markets.Load(await sandbox.Client(credentials: null).FetchMarketsAsync(default));

        var notKnown = await Assert.ThrowsAsync<ExchangeException>(() => unknown.FetchBalanceAsync(default));
        var cannotTrade = await Assert.ThrowsAsync<ExchangeException>(() => reader.CreateOrderAsync(
            new OrderRequest { Symbol = "BTC/USDT", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.001m, Price = 50_000m }, default));

        Assert.Equal((ExchangeErrorKind.Authentication, "-2015"), (notKnown.Kind, notKnown.ExchangeCode));
        Assert.Equal((ExchangeErrorKind.Authentication, "-2015"), (cannotTrade.Kind, cannotTrade.ExchangeCode));
    }
}
