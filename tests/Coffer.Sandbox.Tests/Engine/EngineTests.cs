using Coffer.Sandbox.Engine;
using Coffer.Sandbox.Tests.Support;

namespace Coffer.Sandbox.Tests.Engine;

public sealed class EngineTests
{
    private const string Alice = "alice";
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero));

    private MatchingEngine NewEngine(params Market[] markets) =>
        new(markets.Length > 0 ? markets : MarketCatalogue.Default, seed: 7, _clock);

    private static Market Btc => MarketCatalogue.Default.Single(m => m.Symbol == "BTC/USDT");

    private static Market Dust => MarketCatalogue.Default.Single(m => m.Symbol == "DUST/USDT");

    [Fact]
    public void MarketBuy_FillsAtAskWithTakerFeeInBase_AndMovesBalances()
    {
        var engine = NewEngine();
        engine.Deposit(Alice, "USDT", 10_000m);
        var ticker = engine.GetTicker("BTC/USDT")!;

        var result = engine.Place(new OrderRequest(Alice, "BTC/USDT", OrderSide.Buy, OrderType.Market, 0.1m));

        Assert.Null(result.Reject);
        var fill = Assert.Single(result.Fills);
        Assert.Equal(ticker.Ask, fill.Price);
        Assert.Equal(0.1m, fill.Quantity);
        Assert.Equal(0.0001m, fill.Fee);
        Assert.Equal("BTC", fill.FeeAsset);
        Assert.False(fill.IsMaker);
        Assert.Equal(OrderStatus.Filled, result.Order!.Status);
        Assert.Equal(0.0999m, engine.GetBalance(Alice, "BTC").Free);
        var usdt = engine.GetBalance(Alice, "USDT");
        Assert.Equal(10_000m - (fill.Price * 0.1m), usdt.Free);
        Assert.Equal(0m, usdt.Locked);
    }

    [Fact]
    public void MarketBuy_FeeInQuote_ReceivesAllTheBaseAndPaysCostPlusFeeInQuote()
    {
        var engine = NewEngine();
        engine.Deposit(Alice, "USDT", 10_000m);
        var ticker = engine.GetTicker("BTC/USDT")!;

        var result = engine.Place(new OrderRequest(Alice, "BTC/USDT", OrderSide.Buy, OrderType.Market, 0.1m, FeeInQuote: true));

        var fill = Assert.Single(result.Fills);
        Assert.Equal(OrderStatus.Filled, result.Order!.Status);
        Assert.Equal("USDT", fill.FeeAsset);
        Assert.Equal(Math.Round(ticker.Ask * 0.1m * Btc.TakerFee, 8), fill.Fee);
        Assert.Equal(new Balance("BTC", 0.1m, 0m), engine.GetBalance(Alice, "BTC"));
        Assert.Equal(new Balance("USDT", 10_000m - fill.QuoteQuantity - fill.Fee, 0m), engine.GetBalance(Alice, "USDT"));
    }

    [Fact]
    public void LimitBuy_FeeInQuote_HoldsTheTakerFeeToo_AndAQuoteSizedBuySpendsItsSizeFeesIncluded()
    {
        var engine = NewEngine();
        engine.Deposit(Alice, "USDT", 10_000m);

        var resting = engine.Place(new OrderRequest(Alice, "BTC/USDT", OrderSide.Buy, OrderType.Limit, 0.1m, Price: 50_000m, FeeInQuote: true));
        var held = engine.GetBalance(Alice, "USDT");
        engine.Cancel(Alice, resting.Order!.Id);
        var byValue = engine.Place(new OrderRequest(Alice, "BTC/USDT", OrderSide.Buy, OrderType.Market, null, QuoteQuantity: 1_000m, FeeInQuote: true));

        Assert.Equal(new Balance("USDT", 10_000m - 5_005m, 5_005m), held);
        var fill = Assert.Single(byValue.Fills);
        Assert.Equal(OrderStatus.Filled, byValue.Order!.Status);
        Assert.InRange(fill.QuoteQuantity + fill.Fee, 1_000m - (fill.Price * Btc.LotStep * 1.001m), 1_000m);
        Assert.Equal(10_000m - fill.QuoteQuantity - fill.Fee, engine.GetBalance(Alice, "USDT").Free);
        Assert.Equal(fill.Quantity, engine.GetBalance(Alice, "BTC").Free);
    }

    [Fact]
    public void MarketSell_WithoutBalance_IsRefusedAndChangesNothing()
    {
        var engine = NewEngine();
        engine.Deposit(Alice, "BTC", 0.01m);

        var result = engine.Place(new OrderRequest(Alice, "BTC/USDT", OrderSide.Sell, OrderType.Market, 0.02m));

        Assert.Equal(RejectReason.InsufficientBalance, result.Reject);
        Assert.Equal(new Balance("BTC", 0.01m, 0m), engine.GetBalance(Alice, "BTC"));
        Assert.Empty(engine.GetFills());
    }

    [Fact]
    public void LimitBuy_RestsLocksQuote_ThenFillsAsMakerWhenPriceCrosses()
    {
        var engine = NewEngine();
        engine.Deposit(Alice, "USDT", 10_000m);

        var placed = engine.Place(new OrderRequest(Alice, "BTC/USDT", OrderSide.Buy, OrderType.Limit, 0.1m, Price: 50_000m));

        Assert.Equal(OrderStatus.New, placed.Order!.Status);
        Assert.Empty(placed.Fills);
        Assert.Equal(new Balance("USDT", 5_000m, 5_000m), engine.GetBalance(Alice, "USDT"));

        engine.SetPrice("BTC/USDT", 49_000m);

        var fill = Assert.Single(engine.GetFills(Alice));
        Assert.True(fill.IsMaker);
        Assert.Equal(50_000m, fill.Price);
        Assert.Equal(0.1m * Btc.MakerFee, fill.Fee);
        Assert.Equal(OrderStatus.Filled, engine.GetOrder(Alice, placed.Order.Id)!.Status);
        Assert.Equal(new Balance("USDT", 5_000m, 0m), engine.GetBalance(Alice, "USDT"));
    }

    [Fact]
    public void Cancel_ReleasesTheLock()
    {
        var engine = NewEngine();
        engine.Deposit(Alice, "BTC", 1m);
        var placed = engine.Place(new OrderRequest(Alice, "BTC/USDT", OrderSide.Sell, OrderType.Limit, 0.4m, Price: 70_000m));
        Assert.Equal(new Balance("BTC", 0.6m, 0.4m), engine.GetBalance(Alice, "BTC"));

        var (outcome, order) = engine.Cancel(Alice, placed.Order!.Id);

        Assert.Equal(CancelOutcome.Canceled, outcome);
        Assert.Equal(OrderStatus.Canceled, order!.Status);
        Assert.Equal(new Balance("BTC", 1m, 0m), engine.GetBalance(Alice, "BTC"));
        Assert.Equal(CancelOutcome.NotOpen, engine.Cancel(Alice, placed.Order.Id).Outcome);
        Assert.Equal(CancelOutcome.NotFound, engine.Cancel("mallory", placed.Order.Id).Outcome);
    }

    [Fact]
    public void MarketOrder_OnThinMarket_FillsInPartsAcrossSteps()
    {
        var engine = NewEngine();
        engine.Deposit(Alice, "USDT", 10_000m);

        var placed = engine.Place(new OrderRequest(Alice, "DUST/USDT", OrderSide.Buy, OrderType.Market, 1_200m));

        Assert.Equal(OrderStatus.PartiallyFilled, placed.Order!.Status);
        Assert.Equal(Dust.LiquidityPerStep, Assert.Single(placed.Fills).Quantity);

        engine.Step();
        engine.Step();

        var fills = engine.GetFills(Alice, orderId: placed.Order.Id);
        Assert.Equal([500m, 500m, 200m], fills.Select(f => f.Quantity));
        var order = engine.GetOrder(Alice, placed.Order.Id)!;
        Assert.Equal(OrderStatus.Filled, order.Status);
        Assert.Equal(1_200m, order.Filled);
        Assert.Equal(fills.Sum(f => f.Quantity - f.Fee), engine.GetBalance(Alice, "DUST").Free);
        Assert.Equal(10_000m - fills.Sum(f => f.QuoteQuantity), engine.GetBalance(Alice, "USDT").Total);
        Assert.Equal(0m, engine.GetBalance(Alice, "USDT").Locked);
    }

    [Fact]
    public void StopLossSell_WaitsThenTriggersOnLastPrice_AndSellsAtBid()
    {
        var engine = NewEngine();
        engine.Deposit(Alice, "BTC", 1m);

        var placed = engine.Place(new OrderRequest(Alice, "BTC/USDT", OrderSide.Sell, OrderType.StopLoss, 0.5m, StopPrice: 55_000m));
        Assert.False(placed.Order!.IsWorking);
        engine.SetPrice("BTC/USDT", 56_000m);
        Assert.Empty(engine.GetFills(Alice));

        engine.SetPrice("BTC/USDT", 54_000m);

        var fill = Assert.Single(engine.GetFills(Alice));
        Assert.Equal(engine.GetTicker("BTC/USDT")!.Bid, fill.Price);
        Assert.Equal("USDT", fill.FeeAsset);
        Assert.Equal(Math.Round(fill.QuoteQuantity * Btc.TakerFee, 8), fill.Fee);
        Assert.Equal(fill.QuoteQuantity - fill.Fee, engine.GetBalance(Alice, "USDT").Free);
        Assert.Equal(new Balance("BTC", 0.5m, 0m), engine.GetBalance(Alice, "BTC"));
    }

    [Fact]
    public void TakeProfitLimitSell_TriggersThenRestsAtItsLimit()
    {
        var engine = NewEngine();
        engine.Deposit(Alice, "BTC", 1m);
        var placed = engine.Place(new OrderRequest(
            Alice, "BTC/USDT", OrderSide.Sell, OrderType.TakeProfitLimit, 0.5m, Price: 66_000m, StopPrice: 65_000m));

        engine.SetPrice("BTC/USDT", 65_100m);
        var triggered = engine.GetOrder(Alice, placed.Order!.Id)!;
        Assert.True(triggered.IsWorking);
        Assert.Equal(OrderStatus.New, triggered.Status);

        engine.SetPrice("BTC/USDT", 66_500m);
        var fill = Assert.Single(engine.GetFills(Alice));
        Assert.Equal(66_000m, fill.Price);
        Assert.True(fill.IsMaker);
    }

    [Fact]
    public void StopThatWouldTriggerImmediately_IsRefused()
    {
        var engine = NewEngine();
        engine.Deposit(Alice, "BTC", 1m);

        var result = engine.Place(new OrderRequest(Alice, "BTC/USDT", OrderSide.Sell, OrderType.StopLoss, 0.5m, StopPrice: 61_000m));

        Assert.Equal(RejectReason.WouldTriggerImmediately, result.Reject);
        Assert.Equal(0m, engine.GetBalance(Alice, "BTC").Locked);
    }

    [Theory]
    [InlineData("0.000001", "50000", "LotSize")]
    [InlineData("0.1", "50000.001", "PriceFilter")]
    [InlineData("0.00001", "50000", "MinNotional")]
    public void Limit_BreakingAFilter_IsRefused(string quantity, string price, string expected)
    {
        var engine = NewEngine();
        engine.Deposit(Alice, "USDT", 100_000m);

        var result = engine.Place(new OrderRequest(
            Alice, "BTC/USDT", OrderSide.Buy, OrderType.Limit, decimal.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture),
            Price: decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(Enum.Parse<RejectReason>(expected), result.Reject);
    }

    [Fact]
    public void DuplicateClientOrderId_AmongOpenOrders_IsRefused_ButReusableOnceClosed()
    {
        var engine = NewEngine();
        engine.Deposit(Alice, "USDT", 100_000m);
        var first = engine.Place(new OrderRequest(Alice, "BTC/USDT", OrderSide.Buy, OrderType.Limit, 0.1m, Price: 50_000m, ClientOrderId: "mine-1"));

        var second = engine.Place(new OrderRequest(Alice, "BTC/USDT", OrderSide.Buy, OrderType.Limit, 0.1m, Price: 50_000m, ClientOrderId: "mine-1"));
        Assert.Equal(RejectReason.DuplicateClientOrderId, second.Reject);

        engine.Cancel(Alice, first.Order!.Id);
        var third = engine.Place(new OrderRequest(Alice, "BTC/USDT", OrderSide.Buy, OrderType.Limit, 0.1m, Price: 50_000m, ClientOrderId: "mine-1"));
        Assert.Null(third.Reject);
    }

    [Fact]
    public void MarketBuyByQuote_SpendsAtMostTheQuote()
    {
        var engine = NewEngine();
        engine.Deposit(Alice, "USDT", 1_000m);

        var result = engine.Place(new OrderRequest(Alice, "ETH/USDT", OrderSide.Buy, OrderType.Market, null, QuoteQuantity: 100m));

        var fill = Assert.Single(result.Fills);
        Assert.True(fill.QuoteQuantity <= 100m);
        Assert.True(100m - fill.QuoteQuantity < fill.Price * 0.0001m);
        Assert.Equal(1_000m - fill.QuoteQuantity, engine.GetBalance(Alice, "USDT").Free);
    }

    [Fact]
    public void Step_IsDeterministicForASeed()
    {
        var a = NewEngine();
        var b = NewEngine();
        for (var i = 0; i < 50; i++)
        {
            a.Step();
            b.Step();
        }

        Assert.Equal(a.GetTickers().Select(t => t.Last), b.GetTickers().Select(t => t.Last));
        Assert.NotEqual(Btc.InitialPrice, a.GetTicker("BTC/USDT")!.Last);
    }
}
