using Coffer.Exchanges.Kraken;
using Coffer.Exchanges.Model;
using Coffer.Sandbox.Kraken;
using static Coffer.Exchanges.Tests.Sandbox.KrakenSandbox;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>
/// Every order type the Kraken connector places natively (market, limit and post-only limit, stop-loss, stop-loss-limit,
/// take-profit, take-profit-limit; buys and sells), through <see cref="KrakenClient"/> against the sandbox over real HTTP:
/// resting orders are listed, found by txid and cl_ord_id, and cancelled one by one and per pair; filled and partly
/// filled orders and the trades equal the sandbox's own fill records, and balances move by the fills less the fees.
/// </summary>
public sealed class KrakenSandboxOrderTests
{
    private const string Btc = "BTC/USD";
    private const string Eth = "ETH/USD";
    private const string Dust = "DUST/USDT";
    private const decimal DepositUsd = 10_000m;
    private const decimal DepositBtc = 1m;

    [Fact]
    public async Task RestingOrders_OfEveryType_AreListedFoundAndCancelled_CancelAllForAPairLeavesOtherPairs()
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        var (client, key) = await FundedClientAsync(sandbox);

        var placed = new List<(OrderRequest Request, Order Order)>();
        foreach (var request in new[]
        {
            Req("e2e-limit-buy", OrderSide.Buy, OrderType.Limit, 0.001m, price: 50_000m),
            Req("e2e-post-only", OrderSide.Buy, OrderType.Limit, 0.001m, price: 50_000.5m, postOnly: true),
            Req("e2e-limit-sell", OrderSide.Sell, OrderType.Limit, 0.001m, price: 70_000m),
            Req("e2e-stop-loss-sell", OrderSide.Sell, OrderType.StopLoss, 0.001m, trigger: 55_000m),
            Req("e2e-stop-loss-buy", OrderSide.Buy, OrderType.StopLoss, 0.001m, trigger: 65_000m),
            Req("e2e-stop-limit", OrderSide.Sell, OrderType.StopLimit, 0.001m, price: 54_900m, trigger: 55_000m),
            Req("e2e-take-profit-sell", OrderSide.Sell, OrderType.TakeProfit, 0.001m, trigger: 65_000m),
            Req("e2e-take-profit-buy", OrderSide.Buy, OrderType.TakeProfit, 0.001m, trigger: 55_000m),
            Req("e2e-take-profit-limit", OrderSide.Sell, OrderType.TakeProfitLimit, 0.001m, price: 65_100m, trigger: 65_000m),
        })
        {
            var order = await client.CreateOrderAsync(request, default);
            SandboxChecks.AssertMatches(request, order, status: null);
            placed.Add((request, order));
        }

        var otherPair = await client.CreateOrderAsync(Req("e2e-eth", OrderSide.Buy, OrderType.Limit, 0.01m, price: 2_000m) with { Symbol = Eth }, default);

        // Held: the limit buys at their prices (stop and take-profit buys at their triggers) and the ETH buy, each with the
        // most its fee can be (taker) in USD, as buys pay their fee in the quote (fciq); the sells' amounts.
        var holding = await client.FetchBalanceAsync(default);
        var heldUsd = Held(sandbox, Btc, 50m) + Held(sandbox, Btc, 50.0005m) + Held(sandbox, Btc, 65m) + Held(sandbox, Btc, 55m) + Held(sandbox, Eth, 20m);
        Assert.Equal(240.0005m + 0.13m + 0.1300013m + 0.169m + 0.143m + 0.052m, heldUsd);
        Assert.Equal(new Balance("USD", DepositUsd - heldUsd, heldUsd, DepositUsd), holding.ByCurrency["USD"]);
        Assert.Equal(new Balance("BTC", DepositBtc - 0.005m, 0.005m, DepositBtc), holding.ByCurrency["BTC"]);

        var open = await client.FetchOpenOrdersAsync(Btc, default);
        var openEverywhere = await client.FetchOpenOrdersAsync(null, default);
        Assert.Equal(Ids(placed.Select(p => p.Order)), Ids(open));
        Assert.Equal(Ids([.. placed.Select(p => p.Order), otherPair]), Ids(openEverywhere));
        foreach (var (request, order) in placed)
        {
            var listed = Assert.Single(open, o => o.Id == order.Id);
            SandboxChecks.AssertMatches(request, listed, OrderStatus.Open);
            Assert.Equal((0m, request.Amount), (listed.Filled, listed.Remaining));
        }

        // One order by txid and by cl_ord_id (every private call spends Kraken's REST counter, so not all nine).
        foreach (var (request, order) in placed.Where(p => p.Request.Type is OrderType.Limit or OrderType.StopLimit or OrderType.TakeProfitLimit).Take(3))
        {
            SandboxChecks.AssertMatches(request, await client.FetchOrderAsync(order.Id, Btc, default), OrderStatus.Open);
        }

        Assert.Equal(placed[5].Order.Id, (await client.FetchOrderByClientOrderIdAsync("e2e-stop-limit", Btc, default))?.Id);
        Assert.Null(await client.FetchOrderByClientOrderIdAsync("e2e-never-placed", Btc, default));

        var first = placed[0];
        var canceled = await client.CancelOrderAsync(first.Order.Id, Btc, default);
        SandboxChecks.AssertMatches(first.Request, canceled, OrderStatus.Canceled);
        Assert.Equal(Ids(placed.Skip(1).Select(p => p.Order)), Ids(await client.FetchOpenOrdersAsync(Btc, default)));

        var rest = await client.CancelAllOrdersAsync(Btc, default);
        Assert.Equal(Ids(placed.Skip(1).Select(p => p.Order)), Ids(rest));
        Assert.All(rest, o => Assert.Equal(OrderStatus.Canceled, o.Status));
        Assert.Empty(await client.FetchOpenOrdersAsync(Btc, default));
        Assert.Equal([otherPair.Id], (await client.FetchOpenOrdersAsync(null, default)).Select(o => o.Id));

        var closed = await client.FetchClosedOrdersAsync(Btc, null, null, default);
        Assert.Equal(Ids(placed.Select(p => p.Order)), Ids(closed));
        foreach (var (request, order) in placed)
        {
            var done = Assert.Single(closed, o => o.Id == order.Id);
            SandboxChecks.AssertMatches(request, done, OrderStatus.Canceled);
            Assert.Equal(0m, done.Filled);

            // Kraken shows every one of these with fciq (the default when buying; the sandbox's sells pay in quote too).
            Assert.Equal(new Fee("USD", 0m), done.Fee);
        }

        Assert.Equal(placed[^1].Order.Id, (await client.FetchOrderByClientOrderIdAsync("e2e-take-profit-limit", Btc, default))?.Id);
        Assert.Empty(await client.FetchMyTradesAsync(Btc, null, null, default));

        // Cancel-all without a pair is Kraken's CancelAll: the ETH order goes too.
        Assert.Empty(await client.CancelAllOrdersAsync(null, default));
        Assert.Empty(await client.FetchOpenOrdersAsync(null, default));
        Assert.Equal(OrderStatus.Canceled, (await client.FetchOrderAsync(otherPair.Id, Eth, default)).Status);

        var after = await client.FetchBalanceAsync(default);
        Assert.Equal(new Balance("USD", DepositUsd, 0m, DepositUsd), after.ByCurrency["USD"]);
        Assert.Equal(new Balance("BTC", DepositBtc, 0m, DepositBtc), after.ByCurrency["BTC"]);
        Assert.Empty(await sandbox.FillsAsync(key.Account));
    }

    [Fact]
    public async Task FilledOrders_OfEveryType_EqualTheSandboxFills_AndBalancesMoveByFillsLessFees()
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        var (client, key) = await FundedClientAsync(sandbox);
        var filled = new List<(OrderRequest Request, Order Placed)>();

        async Task<Order> Place(OrderRequest request)
        {
            var order = await client.CreateOrderAsync(request, default);
            filled.Add((request, order));
            return order;
        }

        // Steps of the scenario are checked on the engine (the ground truth): every connector call spends Kraken's
        // REST counter, and what the connector reads of these orders is checked in full at the end.
        Task<OrderStatus?> StatusOf(Order order) => Task.FromResult<OrderStatus?>(
            sandbox.Host.State.Engine.GetOrder(key.Account, KrakenIds.ParseOrder(order.Id)!.Value)!.Status switch
            {
                Coffer.Sandbox.Engine.OrderStatus.Filled => OrderStatus.Closed,
                Coffer.Sandbox.Engine.OrderStatus.New => OrderStatus.Open,
                var other => throw new InvalidOperationException($"Order {order.Id} is {other}."),
            });

        // At 60000 (bid 59970, ask 60030): market orders and a crossing limit take at the touch.
        var marketByAmount = await Place(Req("e2e-market-amount", OrderSide.Buy, OrderType.Market, 0.01m));
        var marketByCost = await Place(Req("e2e-market-cost", OrderSide.Buy, OrderType.Market, null, cost: 100m));
        var takingLimit = await Place(Req("e2e-limit-taker", OrderSide.Sell, OrderType.Limit, 0.005m, price: 59_000m));
        var byAmount = await client.FetchOrderAsync(marketByAmount.Id, Btc, default);
        var btcMarket = EngineMarket(sandbox, Btc);
        Assert.Equal((OrderStatus.Closed, 0.01m, 60_030m, 600.3m), (byAmount.Status, byAmount.Filled, byAmount.Average, byAmount.Cost));

        // Buys pay their fee in USD (fciq, Kraken's default when buying), on top of the cost; a buy by cost spends its
        // 100 USD fee included, short of it by less than one more lot with its fee.
        Assert.Equal(new Fee("USD", Math.Round(600.3m * btcMarket.TakerFee, 8, MidpointRounding.AwayFromZero)), byAmount.Fee);
        var byCost = await client.FetchOrderAsync(marketByCost.Id, Btc, default);
        Assert.Equal(OrderStatus.Closed, byCost.Status);
        Assert.Equal("USD", byCost.Fee!.Currency);
        Assert.Equal(Math.Round(byCost.Cost!.Value * btcMarket.TakerFee, 8, MidpointRounding.AwayFromZero), byCost.Fee.Cost);
        Assert.InRange(byCost.Cost.Value + byCost.Fee.Cost, 100m - (60_030m * btcMarket.LotStep * (1m + btcMarket.TakerFee)), 100m);
        Assert.Equal((byCost.Filled, 0m), (byCost.Amount, byCost.Remaining));
        var taken = await client.FetchOrderAsync(takingLimit.Id, Btc, default);
        Assert.Equal((OrderStatus.Closed, 59_970m), (taken.Status, taken.Average));

        // Resting until the price moves: a maker buy, a stop-loss sell and a stop-loss-limit sell.
        var makerBuy = await Place(Req("e2e-limit-maker", OrderSide.Buy, OrderType.Limit, 0.002m, price: 59_000m));
        var stopLoss = await Place(Req("e2e-stop-loss", OrderSide.Sell, OrderType.StopLoss, 0.003m, trigger: 58_000m));
        var stopLimit = await Place(Req("e2e-stop-limit", OrderSide.Sell, OrderType.StopLimit, 0.001m, price: 57_000m, trigger: 58_000m));
        Assert.Equal([OrderStatus.Open, OrderStatus.Open, OrderStatus.Open], [await StatusOf(makerBuy), await StatusOf(stopLoss), await StatusOf(stopLimit)]);
        await sandbox.SetPriceAsync(Btc, 58_900m);
        Assert.Equal(OrderStatus.Closed, await StatusOf(makerBuy));
        Assert.Equal(OrderStatus.Open, await StatusOf(stopLoss));
        await sandbox.SetPriceAsync(Btc, 57_900m);
        Assert.Equal([OrderStatus.Closed, OrderStatus.Closed], [await StatusOf(stopLoss), await StatusOf(stopLimit)]);

        // A post-only sell, a take-profit sell and a take-profit-limit sell fill on a rise.
        var postOnly = await Place(Req("e2e-post-only", OrderSide.Sell, OrderType.Limit, 0.001m, price: 58_500m, postOnly: true));
        var takeProfit = await Place(Req("e2e-take-profit", OrderSide.Sell, OrderType.TakeProfit, 0.002m, trigger: 58_400m));
        var takeProfitLimit = await Place(Req("e2e-take-profit-limit", OrderSide.Sell, OrderType.TakeProfitLimit, 0.002m, price: 58_300m, trigger: 58_400m));
        Assert.Equal([OrderStatus.Open, OrderStatus.Open, OrderStatus.Open], [await StatusOf(postOnly), await StatusOf(takeProfit), await StatusOf(takeProfitLimit)]);
        await sandbox.SetPriceAsync(Btc, 58_600m);

        // Buys the other way round: a stop-loss buy on a rise, a take-profit buy and a take-profit-limit buy on a fall.
        var stopBuy = await Place(Req("e2e-stop-loss-buy", OrderSide.Buy, OrderType.StopLoss, 0.001m, trigger: 59_000m));
        await sandbox.SetPriceAsync(Btc, 59_100m);
        var takeProfitBuy = await Place(Req("e2e-take-profit-buy", OrderSide.Buy, OrderType.TakeProfit, 0.001m, trigger: 58_000m));
        var takeProfitLimitBuy = await Place(Req("e2e-take-profit-limit-buy", OrderSide.Buy, OrderType.TakeProfitLimit, 0.001m, price: 58_100m, trigger: 58_000m));
        Assert.Equal([OrderStatus.Closed, OrderStatus.Open, OrderStatus.Open], [await StatusOf(stopBuy), await StatusOf(takeProfitBuy), await StatusOf(takeProfitLimitBuy)]);
        await sandbox.SetPriceAsync(Btc, 57_990m);

        Assert.Empty(await client.FetchOpenOrdersAsync(Btc, default));
        var fills = await sandbox.FillsAsync(key.Account);
        Assert.Equal(filled.Count, fills.Select(f => f.OrderId).Distinct().Count());
        Assert.Contains(fills, f => f.Maker);
        Assert.Contains(fills, f => !f.Maker);
        Assert.Contains(fills, f => f.Side == "buy");
        Assert.Contains(fills, f => f.Side == "sell");

        // Every fill pays its fee in USD: the buys by fciq (the connector sends no fcib), the sells in the quote received;
        // at the maker or taker rate on the fill's cost, rounded as the engine rounds fees.
        foreach (var f in fills)
        {
            Assert.Equal("USD", f.FeeAsset);
            Assert.Equal(Math.Round(f.QuoteQuantity * (f.Maker ? btcMarket.MakerFee : btcMarket.TakerFee), 8, MidpointRounding.AwayFromZero), f.Fee);
        }

        var closed = await client.FetchClosedOrdersAsync(Btc, null, null, default);
        Assert.Equal(Ids(filled.Select(f => f.Placed)), Ids(closed));
        foreach (var (request, placed) in filled)
        {
            AssertAddsUpToItsFills(request, Assert.Single(closed, o => o.Id == placed.Id), fills, OrderStatus.Closed);
        }

        var trades = await client.FetchMyTradesAsync(Btc, null, null, default);
        AssertTradesAreTheFills(client.Markets.BySymbol(Btc), fills, trades, costDecimals: 7);

        // Balances: the deposits, plus what each fill received less its fee, less what it paid.
        var (usd, btc) = SandboxChecks.Settle(fills, DepositUsd, DepositBtc);

        var balances = await client.FetchBalanceAsync(default);
        Assert.Equal(new Balance("USD", usd, 0m, usd), balances.ByCurrency["USD"]);
        Assert.Equal(new Balance("BTC", btc, 0m, btc), balances.ByCurrency["BTC"]);
        var truth = await sandbox.BalancesAsync(key.Account);
        Assert.Equal((usd, 0m), truth["USD"]);
        Assert.Equal((btc, 0m), truth["BTC"]);
    }

    [Fact]
    public async Task PartialFill_OnAThinBook_IsOpenWithWhatFilled_ThenFillsAsAMaker()
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "USDT", 1_000m);
        await sandbox.SetPriceAsync(Dust, 0.25m);
        var client = await sandbox.ClientAsync(key);

        // DUST/USDT offers 500 coins per price step: 800 at a crossing 0.26 takes 500 at the ask and rests for 300.
        var request = Req("e2e-partial", OrderSide.Buy, OrderType.Limit, 800m, price: 0.26m) with { Symbol = Dust };
        var placed = await client.CreateOrderAsync(request, default);
        var partly = Assert.Single(await client.FetchOpenOrdersAsync(Dust, default));
        var fillsSoFar = await sandbox.FillsAsync(key.Account);

        Assert.Equal(placed.Id, partly.Id);
        Assert.Equal(OrderStatus.Open, partly.Status);
        Assert.Equal((800m, 500m, 300m), (partly.Amount, partly.Filled, partly.Remaining));
        var taken = Assert.Single(fillsSoFar);
        Assert.False(taken.Maker);
        Assert.Equal(taken.QuoteQuantity, partly.Cost);
        Assert.Equal(taken.Price, partly.Average);
        // The buy pays its fee in USDT (fciq, Kraken's default when buying): the taker rate on the cost, on top of it.
        var dustMarket = EngineMarket(sandbox, Dust);
        Assert.Equal("USDT", taken.FeeAsset);
        Assert.Equal(Math.Round(taken.QuoteQuantity * dustMarket.TakerFee, 8, MidpointRounding.AwayFromZero), taken.Fee);
        Assert.Equal(new Fee("USDT", taken.Fee), partly.Fee);

        // The rest still holds its value at the limit price and the taker fee on the whole order, less what the fill paid.
        var held = Held(sandbox, Dust, 800m * 0.26m);
        Assert.Equal(208.832m, held);
        var spent = taken.QuoteQuantity + taken.Fee;
        var resting = await client.FetchBalanceAsync(default);
        Assert.Equal(new Balance("USDT", 1_000m - held, held - spent, 1_000m - spent), resting.ByCurrency["USDT"]);
        Assert.Equal(new Balance("DUST", taken.Quantity, 0m, taken.Quantity), resting.ByCurrency["DUST"]);
        AssertTradesAreTheFills(client.Markets.BySymbol(Dust), fillsSoFar, await client.FetchMyTradesAsync(Dust, null, null, default), costDecimals: 4);

        // The next price step refills the book: the rest fills at the order's own price, as a maker.
        sandbox.Host.State.Engine.Step();

        var fills = await sandbox.FillsAsync(key.Account);
        Assert.Equal(2, fills.Count);
        Assert.True(fills[1].Maker);
        Assert.Equal((0.26m, 300m), (fills[1].Price, fills[1].Quantity));
        Assert.Equal(("USDT", Math.Round(78m * dustMarket.MakerFee, 8, MidpointRounding.AwayFromZero)), (fills[1].FeeAsset, fills[1].Fee));
        Assert.Empty(await client.FetchOpenOrdersAsync(Dust, default));
        AssertAddsUpToItsFills(request, Assert.Single(await client.FetchClosedOrdersAsync(Dust, null, null, default)), fills, OrderStatus.Closed);
        AssertTradesAreTheFills(client.Markets.BySymbol(Dust), fills, await client.FetchMyTradesAsync(Dust, null, null, default), costDecimals: 4);
        var (usdt, dust) = SandboxChecks.Settle(fills, 1_000m, 0m);
        var balances = await client.FetchBalanceAsync(default);
        Assert.Equal(new Balance("DUST", dust, 0m, dust), balances.ByCurrency["DUST"]);
        Assert.Equal(new Balance("USDT", usdt, 0m, usdt), balances.ByCurrency["USDT"]);
    }

    private static async Task<(KrakenClient Client, SandboxKey Key)> FundedClientAsync(SandboxRun<KrakenClient> sandbox)
    {
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "USD", DepositUsd);
        await sandbox.DepositAsync(key.Account, "BTC", DepositBtc);
        await sandbox.SetPriceAsync(Btc, 60_000m);
        await sandbox.SetPriceAsync(Eth, 3_000m);
        var client = await sandbox.ClientAsync(key);
        await client.FetchMarketsAsync(default);
        return (client, key);
    }

    private static OrderRequest Req(string clientOrderId, OrderSide side, OrderType type, decimal? amount, decimal? price = null, decimal? trigger = null, decimal? cost = null, bool postOnly = false) =>
        SandboxChecks.Order(Btc, clientOrderId, side, type, amount, price, trigger, cost, postOnly);

    private static List<string> Ids(IEnumerable<Order> orders) => [.. orders.Select(o => o.Id).Order(StringComparer.Ordinal)];

    /// <summary>A done order: what was asked, filled in full, its filled amount, cost and fee the sum of its own fills.</summary>
    private static void AssertAddsUpToItsFills(OrderRequest request, Order order, IReadOnlyList<SandboxFill> fills, OrderStatus status)
    {
        var own = fills.Where(f => KrakenIds.Order(f.OrderId) == order.Id).ToList();
        SandboxChecks.AssertMatches(request, order, status);
        Assert.NotEmpty(own);
        Assert.Equal(own.Sum(f => f.Quantity), order.Filled);
        Assert.Equal(own.Sum(f => f.QuoteQuantity), order.Cost);
        Assert.Equal(0m, order.Remaining);
        Assert.Equal(new Fee(own[0].FeeAsset, own.Sum(f => f.Fee)), order.Fee);
        Assert.Single(own.Select(f => f.FeeAsset).Distinct());
        Assert.NotNull(order.Timestamp);
    }

    /// <summary>
    /// TradesHistory is the sandbox's fill records one for one: price, amount and cost exactly, the fee in the quote
    /// currency as Kraken reports it (a fee the engine took in the base asset, at the fill's price to the pair's cost decimals).
    /// </summary>
    private static void AssertTradesAreTheFills(Market market, IReadOnlyList<SandboxFill> fills, IReadOnlyList<Trade> trades, int costDecimals)
    {
        Assert.Equal(fills.Select(f => KrakenIds.Trade(f.Id)).Order(StringComparer.Ordinal), trades.Select(t => t.Id).Order(StringComparer.Ordinal));
        foreach (var fill in fills)
        {
            var trade = Assert.Single(trades, t => t.Id == KrakenIds.Trade(fill.Id));
            var fee = fill.FeeAsset == market.Quote ? fill.Fee : Math.Round(fill.Fee * fill.Price, costDecimals, MidpointRounding.AwayFromZero);
            Assert.Equal(KrakenIds.Order(fill.OrderId), trade.OrderId);
            Assert.Equal(market.Symbol, trade.Symbol);
            Assert.Equal(fill.Side == "buy" ? OrderSide.Buy : OrderSide.Sell, trade.Side);
            Assert.Equal(fill.Price, trade.Price);
            Assert.Equal(fill.Quantity, trade.Amount);
            Assert.Equal(fill.QuoteQuantity, trade.Cost);
            Assert.Equal(new Fee(market.Quote, fee), trade.Fee);
            Assert.Equal(fill.Maker ? TakerOrMaker.Maker : TakerOrMaker.Taker, trade.TakerOrMaker);
            Assert.Equal(trade.Price, Precision.RoundToStep(trade.Price, market.PriceTick));
            Assert.Equal(trade.Amount, Precision.TruncateToStep(trade.Amount, market.AmountStep));
        }
    }
}
