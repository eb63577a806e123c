using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Exchanges.Kraken;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>
/// Connecting a Kraken account, over real HTTP against the sandbox's Kraken front: key permissions from GetApiKeyInfo
/// (what the connections API refuses on), markets from AssetPairs, balances from BalanceEx, and the keys Kraken refuses.
/// </summary>
public sealed class KrakenSandboxConnectTests
{
    private static readonly OrderRequest LimitBuy = new() { Symbol = "BTC/USD", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.001m, Price = 50_000m };

    [Fact]
    public async Task FetchPermissions_ReadTradeKey_CanTradeButCannotMoveFunds()
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade");
        var client = await sandbox.ClientAsync(key);

        var permissions = await client.FetchPermissionsAsync(default);

        Assert.True(permissions.CanRead);
        Assert.True(permissions.CanTrade);
        Assert.False(permissions.CanWithdraw);
        Assert.False(permissions.CanTransfer);
        Assert.False(permissions.CanMoveFunds);
        Assert.False(permissions.IpRestricted);
        Assert.Equal(
            ["close-trades", "create-ws-token", "export-data", "modify-trades", "query-closed-trades", "query-funds", "query-ledger", "query-open-trades"],
            permissions.Reported.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("withdraw", true, false)]
    [InlineData("transfer", false, true)]
    public async Task FetchPermissions_KeyThatMovesFunds_CanMoveFunds(string right, bool canWithdraw, bool canTransfer)
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade", right);
        var client = await sandbox.ClientAsync(key);

        var permissions = await client.FetchPermissionsAsync(default);

        Assert.Equal(canWithdraw, permissions.CanWithdraw);
        Assert.Equal(canTransfer, permissions.CanTransfer);
        Assert.True(permissions.CanMoveFunds);
        Assert.True(permissions.CanTrade);
    }

    [Fact]
    public async Task FetchPermissions_IpAllowlistedKey_ReportsTheRestriction()
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        using var response = await sandbox.Control.PostAsJsonAsync("/sandbox/keys", new { exchange = "kraken", permissions = new[] { "read" }, ip_allowlist = new[] { "127.0.0.1" } });
        var json = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var key = new SandboxKey(json.GetProperty("api_key").GetString()!, json.GetProperty("secret").GetString()!, json.GetProperty("account").GetString()!);

        var permissions = await (await sandbox.ClientAsync(key)).FetchPermissionsAsync(default);

        Assert.True(permissions.IpRestricted);
        Assert.Equal(["127.0.0.1"], permissions.IpAllowlist);
        Assert.False(permissions.CanTrade);
    }

    [Fact]
    public async Task FetchMarkets_SandboxAssetPairs_EveryMarketWithItsRules()
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        var client = sandbox.Client(credentials: null);

        var markets = await client.FetchMarketsAsync(default);

        var expected = sandbox.Host.State.Engine.Markets;
        Assert.Equal(expected.Select(m => m.Symbol).Order(StringComparer.Ordinal), markets.Select(m => m.Symbol).Order(StringComparer.Ordinal));
        foreach (var want in expected)
        {
            var got = client.Markets.BySymbol(want.Symbol);
            Assert.Equal((want.Base, want.Quote), (got.Base, got.Quote));
            Assert.True(got.Active);
            Assert.Equal(want.TickSize, got.PriceTick);
            Assert.Equal(want.LotStep, got.AmountStep);
            Assert.Equal(want.MinQty, got.MinAmount);
            Assert.Equal(want.MinNotional, got.MinCost);
            Assert.Equal(want.TakerFee, got.Taker);
            Assert.Equal(want.MakerFee, got.Maker);
        }

        // Kraken's own names: legacy X/Z codes where both assets have one, altnames otherwise.
        Assert.Equal("XXBTZUSD", client.Markets.BySymbol("BTC/USD").Id);
        Assert.Equal(("XXBT", "ZUSD"), (client.Markets.BySymbol("BTC/USD").BaseId, client.Markets.BySymbol("BTC/USD").QuoteId));
        Assert.Equal("XBTUSDT", client.Markets.BySymbol("BTC/USDT").Id);
        Assert.Equal("DUSTUSDT", client.Markets.BySymbol("DUST/USDT").Id);
    }

    [Fact]
    public async Task FetchBalance_AfterDepositsAndAHeldOrder_EqualsTheSandboxsFreeUsedAndTotal()
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "BTC", 1.2345678912m);
        await sandbox.DepositAsync(key.Account, "USD", 10_000.5m);
        await sandbox.DepositAsync(key.Account, "USD", 0.0001m);
        await sandbox.DepositAsync(key.Account, "USDT", 0.00000001m);
        await sandbox.SetPriceAsync("BTC/USD", 60_000m);
        var client = await sandbox.ClientAsync(key);
        await client.CreateOrderAsync(LimitBuy, default);
        await client.CreateOrderAsync(new OrderRequest { Symbol = "BTC/USD", Side = OrderSide.Sell, Type = OrderType.StopLoss, Amount = 0.2m, TriggerPrice = 55_000m }, default);

        var balances = await client.FetchBalanceAsync(default);

        var truth = await sandbox.BalancesAsync(key.Account);
        Assert.Equal(truth.Keys.Order(StringComparer.Ordinal), balances.ByCurrency.Keys.Order(StringComparer.Ordinal));
        foreach (var (asset, (free, locked)) in truth)
        {
            Assert.Equal(new Balance(asset, free, locked, free + locked), balances.ByCurrency[asset]);
        }

        // The limit buy holds 0.001 × 50000 and its taker fee in USD (fciq, Kraken's default when buying): 50 + 0.13.
        var heldUsd = KrakenSandbox.Held(sandbox, "BTC/USD", 0.001m * 50_000m);
        Assert.Equal(50.13m, heldUsd);
        Assert.Equal(new Balance("USD", 10_000.5001m - heldUsd, heldUsd, 10_000.5001m), balances.ByCurrency["USD"]);
        Assert.Equal(new Balance("BTC", 1.0345678912m, 0.2m, 1.2345678912m), balances.ByCurrency["BTC"]);
        Assert.Equal(0.00000001m, balances.ByCurrency["USDT"].Free);
    }

    [Fact]
    public async Task SignedCalls_WrongSecret_AreAuthenticationErrors_AndNothingHappens()
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "USD", 1_000m);
        var client = await sandbox.ClientAsync(key, secret: Convert.ToBase64String(new byte[64]));

        var balance = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchBalanceAsync(default));
        var permissions = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchPermissionsAsync(default));
        var order = await Assert.ThrowsAsync<ExchangeException>(() => client.CreateOrderAsync(LimitBuy, default));

        foreach (var refused in new[] { balance, permissions, order })
        {
            Assert.Equal(ExchangeErrorKind.Authentication, refused.Kind);
            Assert.Equal("EAPI:Invalid signature", refused.ExchangeCode);
            Assert.False(refused.IsTransient);
        }

        Assert.Empty(sandbox.Host.State.Engine.GetOrders(key.Account));
        Assert.Equal((1_000m, 0m), (await sandbox.BalancesAsync(key.Account))["USD"]);
        var signed = (await sandbox.RequestsAsync()).Where(r => r.Path.StartsWith("/0/private/", StringComparison.Ordinal)).ToList();
        Assert.Equal(["EAPI:Invalid signature", "EAPI:Invalid signature", "EAPI:Invalid signature"], signed.Select(r => r.Outcome));
    }

    [Fact]
    public async Task SignedCalls_UnknownKey_IsAuthentication_ReadOnlyKeyTrading_IsPermission()
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        var readOnly = await sandbox.IssueKeyAsync("read");
        await sandbox.DepositAsync(readOnly.Account, "USD", 1_000m);
        var stranger = new SandboxKey(Convert.ToBase64String(new byte[42]), Convert.ToBase64String(new byte[64]), "nobody");
        var unknown = await sandbox.ClientAsync(stranger);
        var reader = await sandbox.ClientAsync(readOnly);

        var notKnown = await Assert.ThrowsAsync<ExchangeException>(() => unknown.FetchBalanceAsync(default));
        var cannotTrade = await Assert.ThrowsAsync<ExchangeException>(() => reader.CreateOrderAsync(LimitBuy, default));
        var cannotCancel = await Assert.ThrowsAsync<ExchangeException>(() => reader.CancelAllOrdersAsync(null, default));
        var canRead = await reader.FetchBalanceAsync(default);

        Assert.Equal((ExchangeErrorKind.Authentication, "EAPI:Invalid key", false), (notKnown.Kind, notKnown.ExchangeCode, notKnown.IsTransient));
        Assert.Equal((ExchangeErrorKind.Permission, "EGeneral:Permission denied", false), (cannotTrade.Kind, cannotTrade.ExchangeCode, cannotTrade.IsTransient));
        Assert.Equal(ExchangeErrorKind.Permission, cannotCancel.Kind);
        Assert.Equal(1_000m, canRead.ByCurrency["USD"].Free);
        Assert.Empty(sandbox.Host.State.Engine.GetOrders(readOnly.Account));
    }

    [Fact]
    public async Task PrivateCall_WithoutCredentials_IsRefusedBeforeAnyRequest()
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        var client = sandbox.Client(credentials: null);

        var refused = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchBalanceAsync(default));

        Assert.Equal(ExchangeErrorKind.Authentication, refused.Kind);
        Assert.Empty(await sandbox.RequestsAsync());
        Assert.IsType<KrakenClient>(client);
    }
}
