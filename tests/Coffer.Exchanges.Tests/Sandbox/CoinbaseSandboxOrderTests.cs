using Coffer.Exchanges.Coinbase;
using Coffer.Exchanges.Model;
using Coffer.Sandbox.Coinbase;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>
/// Every order type the Coinbase connector places natively (market buy and sell — by amount, by amount × price, by cost —,
/// limit and post-only limit, stop-limit and take-profit-limit in both directions), through
/// <see cref="CoinbaseClient.CreateOrderAsync"/> against the sandbox over real HTTP: resting orders are listed, found by id
/// and client id, cancelled one by one and all at once; filled and partly filled orders and the fills equal the sandbox's
/// own fill records, and balances move by exactly the fills and their fees, charged in the quote currency as Coinbase does.
/// </summary>
public sealed class CoinbaseSandboxOrderTests
{
    private const string Btc = "BTC/USD";
    private const decimal DepositUsd = 10_000m;
    private const decimal DepositBtc = 1m;

    [Fact]
    public async Task RestingOrders_OfEveryType_AreListedFoundAndCancelled_AndBalancesReturnExactly()
    {
        await using var sandbox = await CoinbaseSandbox.StartAsync();
        var (client, key) = await FundedClientAsync(sandbox);

        var placed = new List<(OrderRequest Request, Order Order)>();
        foreach (var request in new[]
        {
            Req("e2e-limit", OrderSide.Buy, OrderType.Limit, 0.001m, price: 50_000m),
            Req("e2e-post-only", OrderSide.Buy, OrderType.Limit, 0.001m, price: 50_000.50m, postOnly: true),
            Req("e2e-stop-limit-sell", OrderSide.Sell, OrderType.StopLimit, 0.001m, price: 54_900m, trigger: 55_000m),
            Req("e2e-stop-limit-buy", OrderSide.Buy, OrderType.StopLimit, 0.001m, price: 65_100m, trigger: 65_000m),
            Req("e2e-take-profit-sell", OrderSide.Sell, OrderType.TakeProfitLimit, 0.001m, price: 64_900m, trigger: 65_000m),
            Req("e2e-take-profit-buy", OrderSide.Buy, OrderType.TakeProfitLimit, 0.001m, price: 55_100m, trigger: 55_000m),
        })
        {
            var order = await client.CreateOrderAsync(request, default);
            AssertMatches(request, order, OrderStatus.Open);
            placed.Add((request, order));
        }

        // Held: each buy's value at its limit price plus the most its fee can be (taker), in USD; the sells' amounts.
        var taker = Engine(sandbox).TakerFee;
        var usdHeld = placed.Where(p => p.Request.Side == OrderSide.Buy).Sum(p => Held(p.Request.Amount!.Value * p.Request.Price!.Value, taker));
        var holding = await client.FetchBalanceAsync(default);
        Assert.Equal(new Balance("USD", DepositUsd - usdHeld, usdHeld, DepositUsd), holding.ByCurrency["USD"]);
        Assert.Equal(new Balance("BTC", DepositBtc - 0.002m, 0.002m, DepositBtc), holding.ByCurrency["BTC"]);

        await SandboxChecks.AssertRestingLifecycleAsync(client, Btc, placed, AssertMatches);

        var after = await client.FetchBalanceAsync(default);
        Assert.Equal(new Balance("USD", DepositUsd, 0m, DepositUsd), after.ByCurrency["USD"]);
        Assert.Equal(new Balance("BTC", DepositBtc, 0m, DepositBtc), after.ByCurrency["BTC"]);
        Assert.Empty(await sandbox.FillsAsync(key.Account));
    }

    [Fact]
    public async Task FilledOrders_OfEveryType_EqualTheSandboxFills_AndBalancesMoveByFillsAndQuoteFees()
    {
        await using var sandbox = await CoinbaseSandbox.StartAsync();
        var (client, key) = await FundedClientAsync(sandbox);
        var filled = new List<(OrderRequest Request, Order Placed)>();

        async Task<Order> Place(OrderRequest request)
        {
            var order = await client.CreateOrderAsync(request, default);
            filled.Add((request, order));
            return order;
        }

        // At 60000 (bid 59970, ask 60030): the market orders and a crossing limit take at the touch.
        await Place(Req("e2e-market-amount", OrderSide.Buy, OrderType.Market, 0.01m));
        await Place(Req("e2e-market-price", OrderSide.Buy, OrderType.Market, 0.002m, price: 60_000m));
        await Place(Req("e2e-market-cost", OrderSide.Buy, OrderType.Market, null, cost: 100m));
        await Place(Req("e2e-market-sell", OrderSide.Sell, OrderType.Market, 0.004m));
        await Place(Req("e2e-limit-taker", OrderSide.Sell, OrderType.Limit, 0.005m, price: 59_000m));

        // Resting until the price moves, then filled: a maker buy, a stop-loss sell, both take-profits and a stop-loss buy.
        var makerBuy = await Place(Req("e2e-limit-maker", OrderSide.Buy, OrderType.Limit, 0.002m, price: 59_000m));
        var stopSell = await Place(Req("e2e-stop-limit-sell", OrderSide.Sell, OrderType.StopLimit, 0.003m, price: 57_000m, trigger: 58_000m));
        Assert.All([makerBuy, stopSell], o => Assert.Equal(OrderStatus.Open, o.Status));
        await sandbox.SetPriceAsync(Btc, 58_900m);
        Assert.Equal(OrderStatus.Closed, (await client.FetchOrderAsync(makerBuy.Id, Btc, default)).Status);
        Assert.Equal(OrderStatus.Open, (await client.FetchOrderAsync(stopSell.Id, Btc, default)).Status);
        await sandbox.SetPriceAsync(Btc, 57_900m);
        Assert.Equal(OrderStatus.Closed, (await client.FetchOrderAsync(stopSell.Id, Btc, default)).Status);

        var takeProfitSell = await Place(Req("e2e-take-profit-sell", OrderSide.Sell, OrderType.TakeProfitLimit, 0.002m, price: 58_300m, trigger: 58_400m));
        var stopBuy = await Place(Req("e2e-stop-limit-buy", OrderSide.Buy, OrderType.StopLimit, 0.001m, price: 58_700m, trigger: 58_500m));
        await sandbox.SetPriceAsync(Btc, 58_600m);
        var takeProfitBuy = await Place(Req("e2e-take-profit-buy", OrderSide.Buy, OrderType.TakeProfitLimit, 0.001m, price: 58_100m, trigger: 58_000m));
        Assert.Equal(OrderStatus.Open, takeProfitBuy.Status);
        await sandbox.SetPriceAsync(Btc, 57_900m);

        Assert.Empty(await client.FetchOpenOrdersAsync(Btc, default));
        var fills = await sandbox.FillsAsync(key.Account);
        Assert.Equal(filled.Count, fills.Select(f => f.OrderId).Distinct().Count());
        Assert.Contains(fills, f => f.Maker);
        Assert.Contains(fills, f => !f.Maker);
        Assert.All([takeProfitSell, stopBuy], o => Assert.Contains(fills, f => CoinbaseIds.OrderId(f.OrderId) == o.Id));

        // The buy with a price spent amount × price (120 USD) fees included, as quote_size does.
        var byPrice = await client.FetchOrderAsync(filled[1].Placed.Id, Btc, default);
        Assert.InRange(byPrice.Cost!.Value + byPrice.Fee!.Cost, 120m - 1m, 120m);

        // Closed orders: each adds up to its own fills, its fee in USD.
        var closed = await client.FetchClosedOrdersAsync(Btc, null, null, default);
        Assert.Equal(filled.Select(f => f.Placed.Id).Order(StringComparer.Ordinal), closed.Select(o => o.Id).Order(StringComparer.Ordinal));
        foreach (var (request, placed) in filled)
        {
            var order = Assert.Single(closed, o => o.Id == placed.Id);
            var own = fills.Where(f => CoinbaseIds.OrderId(f.OrderId) == order.Id).ToList();
            AssertMatches(request, order, OrderStatus.Closed);
            Assert.NotEmpty(own);
            Assert.Equal(own.Sum(f => f.Quantity), order.Filled);
            Assert.Equal(own.Sum(f => f.QuoteQuantity), order.Cost);
            Assert.Equal(new Fee("USD", own.Sum(f => f.Fee)), order.Fee);
            Assert.Equal(0m, order.Remaining);
            Assert.Equal(request.Amount is null || request.Price is not null && request.Type == OrderType.Market ? order.Filled : request.Amount, order.Amount);
        }

        await AssertTradesAreTheFillsAsync(client, Btc, fills);

        // Balances: the deposits, plus each fill's base, less its value and its fee in USD (Coinbase's spot fees are quote).
        var usd = DepositUsd;
        var btc = DepositBtc;
        foreach (var f in fills)
        {
            Assert.Equal("USD", f.FeeAsset);
            (usd, btc) = f.Side == "buy" ? (usd - f.QuoteQuantity - f.Fee, btc + f.Quantity) : (usd + f.QuoteQuantity - f.Fee, btc - f.Quantity);
        }

        var balances = await client.FetchBalanceAsync(default);
        Assert.Equal(new Balance("USD", usd, 0m, usd), balances.ByCurrency["USD"]);
        Assert.Equal(new Balance("BTC", btc, 0m, btc), balances.ByCurrency["BTC"]);
        var truth = await sandbox.BalancesAsync(key.Account);
        Assert.Equal((usd, 0m), truth["USD"]);
        Assert.Equal((btc, 0m), truth["BTC"]);
    }

    [Fact]
    public async Task PartialFills_OnAThinMarket_AreReportedAsTheyHappen_AndEqualTheSandboxFills()
    {
        const string Dust = "DUST/USDT";
        await using var sandbox = await CoinbaseSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "USDT", 1_000m);
        await sandbox.SetPriceAsync(Dust, 0.25m);
        var client = await sandbox.ClientAsync(key);

        // The book offers 500 DUST a step: a crossing limit buy of 1200 takes 500 at once and rests for the rest.
        var limit = await client.CreateOrderAsync(new OrderRequest { Symbol = Dust, Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 1_200m, Price = 0.30m, ClientOrderId = "e2e-thin-limit" }, default);
        var afterPlacing = await client.FetchOrderAsync(limit.Id, Dust, default);
        var listed = Assert.Single(await client.FetchOpenOrdersAsync(Dust, default));
        await sandbox.StepAsync();
        var afterStep = await client.FetchOrderAsync(limit.Id, Dust, default);
        await sandbox.StepAsync();
        var done = await client.FetchOrderAsync(limit.Id, Dust, default);

        // 300 DUST are left in this step: a market buy of 400 takes them, and its IOC remainder expires.
        var market = await client.CreateOrderAsync(new OrderRequest { Symbol = Dust, Side = OrderSide.Buy, Type = OrderType.Market, Amount = 400m, ClientOrderId = "e2e-thin-market" }, default);
        var expired = await client.FetchOrderAsync(market.Id, Dust, default);

        Assert.Equal((OrderStatus.Open, 500m, 700m), (afterPlacing.Status, afterPlacing.Filled, afterPlacing.Remaining));
        Assert.Equal((limit.Id, 500m), (listed.Id, listed.Filled));
        Assert.Equal((OrderStatus.Open, 1_000m, 200m), (afterStep.Status, afterStep.Filled, afterStep.Remaining));
        Assert.Equal((OrderStatus.Closed, 1_200m, 0m), (done.Status, done.Filled, done.Remaining));
        Assert.Equal((OrderStatus.Expired, 300m, 100m), (expired.Status, expired.Filled, expired.Remaining));
        Assert.Contains(await client.FetchClosedOrdersAsync(Dust, null, null, default), o => o.Id == market.Id && o.Status == OrderStatus.Expired);

        var fills = await sandbox.FillsAsync(key.Account);
        Assert.Equal([500m, 500m, 200m, 300m], fills.Select(f => f.Quantity));
        Assert.Equal([false, true, true, false], fills.Select(f => f.Maker));
        Assert.Equal(fills.Take(3).Sum(f => f.QuoteQuantity), done.Cost);
        Assert.Equal(new Fee("USDT", fills.Take(3).Sum(f => f.Fee)), done.Fee);
        await AssertTradesAreTheFillsAsync(client, Dust, fills);
        var usdt = 1_000m - fills.Sum(f => f.QuoteQuantity + f.Fee);
        Assert.Equal(new Balance("USDT", usdt, 0m, usdt), (await client.FetchBalanceAsync(default)).ByCurrency["USDT"]);
    }

    /// <summary>My trades are the sandbox's fill records one for one, at the market's precision, fees in the quote.</summary>
    private static async Task AssertTradesAreTheFillsAsync(CoinbaseClient client, string symbol, IReadOnlyList<SandboxFill> fills)
    {
        var trades = await client.FetchMyTradesAsync(symbol, null, null, default);
        var market = client.Markets.BySymbol(symbol);
        Assert.Equal(fills.Select(f => CoinbaseIds.TradeId(f.Id)).Order(StringComparer.Ordinal), trades.Select(t => t.Id).Order(StringComparer.Ordinal));
        foreach (var fill in fills)
        {
            var trade = Assert.Single(trades, t => t.Id == CoinbaseIds.TradeId(fill.Id));
            Assert.Equal(CoinbaseIds.OrderId(fill.OrderId), trade.OrderId);
            Assert.Equal(symbol, trade.Symbol);
            Assert.Equal(fill.Side == "buy" ? OrderSide.Buy : OrderSide.Sell, trade.Side);
            Assert.Equal(fill.Price, trade.Price);
            Assert.Equal(fill.Quantity, trade.Amount);
            Assert.Equal(fill.QuoteQuantity, trade.Cost);
            Assert.Equal(new Fee(market.Quote, fill.Fee), trade.Fee);
            Assert.Equal(market.Quote, fill.FeeAsset);
            Assert.Equal(fill.Maker ? TakerOrMaker.Maker : TakerOrMaker.Taker, trade.TakerOrMaker);
            Assert.Equal(trade.Price, Precision.RoundToStep(trade.Price, market.PriceTick));
            Assert.Equal(trade.Amount, Precision.TruncateToStep(trade.Amount, market.AmountStep));
        }
    }

    private static async Task<(CoinbaseClient Client, SandboxKey Key)> FundedClientAsync(SandboxRun<CoinbaseClient> sandbox)
    {
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "USD", DepositUsd);
        await sandbox.DepositAsync(key.Account, "BTC", DepositBtc);
        await sandbox.SetPriceAsync(Btc, 60_000m);
        var client = await sandbox.ClientAsync(key);
        await client.FetchMarketsAsync(default);
        return (client, key);
    }

    private static Coffer.Sandbox.Engine.Market Engine(SandboxRun<CoinbaseClient> sandbox) => sandbox.Host.State.Engine.Markets.Single(m => m.Symbol == Btc);

    /// <summary>What the sandbox holds for a buy paying its fee in the quote: the value and the taker fee on it.</summary>
    private static decimal Held(decimal value, decimal taker) => value + Math.Round(value * taker, 8, MidpointRounding.AwayFromZero);

    private static OrderRequest Req(string clientOrderId, OrderSide side, OrderType type, decimal? amount, decimal? price = null, decimal? trigger = null, decimal? cost = null, bool postOnly = false) =>
        SandboxChecks.Order(Btc, clientOrderId, side, type, amount, price, trigger, cost, postOnly);

    /// <summary>What the connector reports of an order is what was asked, in unified terms.</summary>
    private static void AssertMatches(OrderRequest request, Order order, OrderStatus status)
    {
        SandboxChecks.AssertSameOrder(request, order, status);
        // A market order has no limit price: it reports its average fill price instead, and a buy by value no base amount.
        var byValue = request.Type == OrderType.Market && request.Price is not null;
        if (request.Price is { } price && request.Type != OrderType.Market)
        {
            Assert.Equal(price, order.Price);
        }

        if (request.Amount is { } amount && !byValue)
        {
            Assert.Equal(amount, order.Amount);
        }

        Assert.Equal(request.Type == OrderType.Market ? TimeInForce.Ioc : TimeInForce.Gtc, order.TimeInForce);
    }
}
