using Coffer.Exchanges.Binance;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>
/// Every order type the Binance connector places, through <see cref="BinanceClient.CreateOrderAsync"/> against the sandbox
/// over real HTTP: resting orders are listed, found by id and client id, cancelled one by one and all at once; filled
/// orders and trades equal the sandbox's own fill records, and balances move by exactly the fills less the fees.
/// </summary>
public sealed class BinanceSandboxOrderTests
{
    private const string Btc = "BTC/USDT";
    private const decimal DepositUsdt = 10_000m;
    private const decimal DepositBtc = 1m;

    [Fact]
    public async Task RestingOrders_OfEveryType_AreListedFoundAndCancelled_AndBalancesReturnExactly()
    {
        await using var sandbox = await BinanceSandbox.StartAsync();
        var (client, key) = await FundedClientAsync(sandbox);

        var placed = new List<(OrderRequest Request, Order Order)>();
        foreach (var request in new[]
        {
            Req("e2e-limit", OrderSide.Buy, OrderType.Limit, 0.001m, price: 50_000m),
            Req("e2e-post-only", OrderSide.Buy, OrderType.Limit, 0.001m, price: 50_000.50m, postOnly: true),
            Req("e2e-stop-loss", OrderSide.Sell, OrderType.StopLoss, 0.001m, trigger: 55_000m),
            Req("e2e-stop-limit", OrderSide.Sell, OrderType.StopLimit, 0.001m, price: 54_900m, trigger: 55_000m),
            Req("e2e-take-profit", OrderSide.Sell, OrderType.TakeProfit, 0.001m, trigger: 65_000m),
            Req("e2e-take-profit-limit", OrderSide.Sell, OrderType.TakeProfitLimit, 0.001m, price: 65_100m, trigger: 65_000m),
        })
        {
            var order = await client.CreateOrderAsync(request, default);
            AssertMatches(request, order, OrderStatus.Open);
            placed.Add((request, order));
        }

        // Held: the buys' value at their limit prices, the sells' amounts.
        var holding = await client.FetchBalanceAsync(default);
        Assert.Equal(new Balance("USDT", DepositUsdt - 100.0005m, 100.0005m, DepositUsdt), holding.ByCurrency["USDT"]);
        Assert.Equal(new Balance("BTC", DepositBtc - 0.004m, 0.004m, DepositBtc), holding.ByCurrency["BTC"]);

        await SandboxChecks.AssertRestingLifecycleAsync(client, Btc, placed, AssertMatches);

        var after = await client.FetchBalanceAsync(default);
        Assert.Equal(new Balance("USDT", DepositUsdt, 0m, DepositUsdt), after.ByCurrency["USDT"]);
        Assert.Equal(new Balance("BTC", DepositBtc, 0m, DepositBtc), after.ByCurrency["BTC"]);
        Assert.Empty(await sandbox.FillsAsync(key.Account));
    }

    [Fact]
    public async Task FilledOrders_OfEveryType_EqualTheSandboxFills_AndBalancesMoveByFillsLessFees()
    {
        await using var sandbox = await BinanceSandbox.StartAsync();
        var (client, key) = await FundedClientAsync(sandbox);
        var filled = new List<(OrderRequest Request, Order Placed)>();

        async Task<Order> Place(OrderRequest request)
        {
            var order = await client.CreateOrderAsync(request, default);
            filled.Add((request, order));
            return order;
        }

        // At 60000 (bid 59970, ask 60030): market orders and a crossing limit take at the touch.
        var marketByAmount = await Place(Req("e2e-market-amount", OrderSide.Buy, OrderType.Market, 0.01m));
        var marketByCost = await Place(Req("e2e-market-cost", OrderSide.Buy, OrderType.Market, null, cost: 100m));
        var takingLimit = await Place(Req("e2e-limit-taker", OrderSide.Sell, OrderType.Limit, 0.005m, price: 59_000m));
        Assert.Equal((OrderStatus.Closed, 0.01m, 60_030m), (marketByAmount.Status, marketByAmount.Filled, marketByAmount.Average));
        Assert.Equal(OrderStatus.Closed, marketByCost.Status);
        Assert.True(marketByCost.Cost is > 0 and <= 100m);
        Assert.Equal((OrderStatus.Closed, 59_970m), (takingLimit.Status, takingLimit.Average));

        // Resting until the price moves: a maker buy, a stop-loss, a post-only sell, a take-profit and both limit kinds.
        var makerBuy = await Place(Req("e2e-limit-maker", OrderSide.Buy, OrderType.Limit, 0.002m, price: 59_000m));
        var stopLoss = await Place(Req("e2e-stop-loss", OrderSide.Sell, OrderType.StopLoss, 0.003m, trigger: 58_000m));
        var stopLimit = await Place(Req("e2e-stop-limit", OrderSide.Sell, OrderType.StopLimit, 0.001m, price: 57_000m, trigger: 58_000m));
        Assert.All([makerBuy, stopLoss, stopLimit], o => Assert.Equal(OrderStatus.Open, o.Status));

        await sandbox.SetPriceAsync(Btc, 58_900m);
        Assert.Equal(OrderStatus.Closed, (await client.FetchOrderAsync(makerBuy.Id, Btc, default)).Status);
        await sandbox.SetPriceAsync(Btc, 57_900m);
        Assert.Equal(OrderStatus.Closed, (await client.FetchOrderAsync(stopLoss.Id, Btc, default)).Status);
        Assert.Equal(OrderStatus.Closed, (await client.FetchOrderAsync(stopLimit.Id, Btc, default)).Status);

        var postOnly = await Place(Req("e2e-post-only", OrderSide.Sell, OrderType.Limit, 0.001m, price: 58_500m, postOnly: true));
        var takeProfit = await Place(Req("e2e-take-profit", OrderSide.Sell, OrderType.TakeProfit, 0.002m, trigger: 58_400m));
        var takeProfitLimit = await Place(Req("e2e-take-profit-limit", OrderSide.Sell, OrderType.TakeProfitLimit, 0.002m, price: 58_300m, trigger: 58_400m));
        Assert.All([postOnly, takeProfit, takeProfitLimit], o => Assert.Equal(OrderStatus.Open, o.Status));
        await sandbox.SetPriceAsync(Btc, 58_600m);

        Assert.Empty(await client.FetchOpenOrdersAsync(Btc, default));
        var fills = await sandbox.FillsAsync(key.Account);
        Assert.Equal(filled.Count, fills.Select(f => f.OrderId).Distinct().Count());
        Assert.Contains(fills, f => f.Maker);
        Assert.Contains(fills, f => !f.Maker);

        // Closed orders: each filled one adds up to its fills.
        var closed = await client.FetchClosedOrdersAsync(Btc, null, null, default);
        Assert.Equal(filled.Select(f => f.Placed.Id), closed.Select(o => o.Id));
        foreach (var (request, placed) in filled)
        {
            var order = Assert.Single(closed, o => o.Id == placed.Id);
            var own = fills.Where(f => f.OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture) == order.Id).ToList();
            AssertMatches(request, order, OrderStatus.Closed);
            Assert.NotEmpty(own);
            Assert.Equal(own.Sum(f => f.Quantity), order.Filled);
            Assert.Equal(own.Sum(f => f.QuoteQuantity), order.Cost);
            Assert.Equal(0m, order.Remaining);
            if (request.Amount is { } amount)
            {
                Assert.Equal(amount, order.Amount);
            }
        }

        // Trades: the sandbox's fill records, one for one.
        var trades = await client.FetchMyTradesAsync(Btc, null, null, default);
        Assert.Equal(fills.Select(f => f.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), trades.Select(t => t.Id));
        var market = client.Markets.BySymbol(Btc);
        foreach (var (fill, trade) in fills.Zip(trades))
        {
            Assert.Equal(fill.OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture), trade.OrderId);
            Assert.Equal(Btc, trade.Symbol);
            Assert.Equal(fill.Side == "buy" ? OrderSide.Buy : OrderSide.Sell, trade.Side);
            Assert.Equal(fill.Price, trade.Price);
            Assert.Equal(fill.Quantity, trade.Amount);
            Assert.Equal(fill.QuoteQuantity, trade.Cost);
            Assert.Equal(new Fee(fill.FeeAsset, fill.Fee), trade.Fee);
            Assert.Equal(fill.Maker ? TakerOrMaker.Maker : TakerOrMaker.Taker, trade.TakerOrMaker);
            Assert.Equal(trade.Price, Precision.RoundToStep(trade.Price, market.PriceTick));
            Assert.Equal(trade.Amount, Precision.TruncateToStep(trade.Amount, market.AmountStep));
        }

        // Balances: the deposits, plus what each fill received less its fee, less what it paid.
        Assert.All(fills, f => Assert.Equal(f.Side == "buy" ? "BTC" : "USDT", f.FeeAsset));
        var (usdt, btc) = SandboxChecks.Settle(fills, DepositUsdt, DepositBtc);

        var balances = await client.FetchBalanceAsync(default);
        Assert.Equal(new Balance("USDT", usdt, 0m, usdt), balances.ByCurrency["USDT"]);
        Assert.Equal(new Balance("BTC", btc, 0m, btc), balances.ByCurrency["BTC"]);
        var truth = await sandbox.BalancesAsync(key.Account);
        Assert.Equal((usdt, 0m), truth["USDT"]);
        Assert.Equal((btc, 0m), truth["BTC"]);
    }

    private static async Task<(BinanceClient Client, SandboxKey Key)> FundedClientAsync(SandboxRun<BinanceClient> sandbox)
    {
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "USDT", DepositUsdt);
        await sandbox.DepositAsync(key.Account, "BTC", DepositBtc);
        await sandbox.SetPriceAsync(Btc, 60_000m);
        var client = await sandbox.ClientAsync(key);
        await client.FetchMarketsAsync(default);
        return (client, key);
    }

    private static OrderRequest Req(string clientOrderId, OrderSide side, OrderType type, decimal? amount, decimal? price = null, decimal? trigger = null, decimal? cost = null, bool postOnly = false) =>
        SandboxChecks.Order(Btc, clientOrderId, side, type, amount, price, trigger, cost, postOnly);

    /// <summary>What the connector reports of an order is what was asked, in unified terms; Binance's limit kinds are GTC.</summary>
    private static void AssertMatches(OrderRequest request, Order order, OrderStatus status)
    {
        SandboxChecks.AssertMatches(request, order, status);
        if (request.Type is OrderType.Limit or OrderType.StopLimit or OrderType.TakeProfitLimit)
        {
            Assert.Equal(TimeInForce.Gtc, order.TimeInForce);
        }
    }
}
