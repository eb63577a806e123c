using Coffer.Exchanges.Model;
using Coffer.Server.Features.Portfolio.Analytics;

namespace Coffer.Server.Tests.Portfolio.Analytics;

public sealed class FifoLedgerTests
{
    internal static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static int _nextId;

    internal static LedgerTrade Buy(decimal amount, decimal price, Fee? fee = null, int minute = 0, string exchange = "binance", string symbol = "BTC/USDT", string? id = null, decimal? cost = null) =>
        Make(OrderSide.Buy, amount, price, fee, minute, exchange, symbol, id, cost);

    internal static LedgerTrade Sell(decimal amount, decimal price, Fee? fee = null, int minute = 0, string exchange = "binance", string symbol = "BTC/USDT", string? id = null, decimal? cost = null) =>
        Make(OrderSide.Sell, amount, price, fee, minute, exchange, symbol, id, cost);

    private static LedgerTrade Make(OrderSide side, decimal amount, decimal price, Fee? fee, int minute, string exchange, string symbol, string? id, decimal? cost) => new()
    {
        Exchange = exchange,
        Symbol = symbol,
        Side = side,
        Price = price,
        Amount = amount,
        Cost = cost,
        Fee = fee,
        Timestamp = T0.AddMinutes(minute),
        TradeId = id ?? $"t{Interlocked.Increment(ref _nextId)}",
    };

    private static decimal? NoRate(string from, string to) => null;

    private static decimal? NoPrice(string asset, string quote) => null;

    private static FifoReport Run(Func<string, string, decimal?>? rate, Func<string, string, decimal?>? price, params LedgerTrade[] trades) =>
        FifoPnl.Compute(trades, rate ?? NoRate, price ?? NoPrice);

    private static AssetPnl Only(FifoReport report) => Assert.Single(report.Assets);

    [Fact]
    public void Compute_TwoBuysPartialSell_ConsumesOldestLotFirst()
    {
        var pnl = Only(Run(null, (_, _) => 400m, Buy(1m, 100m, minute: 0), Buy(1m, 200m, minute: 1), Sell(1.5m, 300m, minute: 2)));

        // Sold 1.5 for 450; basis 1 × 100 + 0.5 × 200 = 200.
        Assert.Equal(250m, pnl.RealizedPnl);
        Assert.Equal(0.5m, pnl.Amount);
        Assert.Equal(100m, pnl.CostBasis);
        Assert.Equal(200m, pnl.AverageCost);
        var lot = Assert.Single(pnl.OpenLots);
        Assert.Equal((T0.AddMinutes(1), 0.5m, 100m, 200m), (lot.Time, lot.Amount, lot.Cost, lot.UnitCost));
        Assert.Equal(400m, pnl.CurrentPrice);
        Assert.Equal(200m, pnl.MarketValue);
        Assert.Equal(100m, pnl.UnrealizedPnl);
        var sale = Assert.Single(pnl.Realized);
        Assert.Equal((1.5m, 450m, 200m, 250m, 0m), (sale.Amount, sale.Proceeds, sale.CostBasis, sale.RealizedPnl, sale.UnmatchedAmount));
        Assert.Collection(
            sale.Matches,
            m => Assert.Equal((T0, 1m, 100m), (m.AcquiredAt, m.Amount, m.Cost)),
            m => Assert.Equal((T0.AddMinutes(1), 0.5m, 100m), (m.AcquiredAt, m.Amount, m.Cost)));
    }

    [Fact]
    public void Compute_SeveralBuysAndPartialSellsWithQuoteFees_HandComputed()
    {
        var usdt = (decimal c) => new Fee("USDT", c);
        var pnl = Only(Run(
            null,
            (_, _) => 200m,
            Buy(1m, 100m, usdt(1m), minute: 0),
            Buy(2m, 110m, usdt(2m), minute: 1),
            Buy(1m, 130m, usdt(1m), minute: 2),
            Sell(1.5m, 150m, usdt(1.5m), minute: 3),
            Sell(2m, 160m, usdt(2m), minute: 4)));

        // Lots: 1 @ 101, 2 @ 222, 1 @ 131.
        // Sell 1: proceeds 225 − 1.5 = 223.5; basis 101 + 0.5 × 111 = 156.5; realized 67.
        // Sell 2: proceeds 320 − 2 = 318; basis 1.5 × 111 + 0.5 × 131 = 166.5 + 65.5 = 232; realized 86.
        Assert.Equal([67m, 86m], pnl.Realized.Select(e => e.RealizedPnl));
        Assert.Equal(153m, pnl.RealizedPnl);
        Assert.Equal(0.5m, pnl.Amount);
        Assert.Equal(65.5m, pnl.CostBasis);
        Assert.Equal(131m, pnl.AverageCost);
        Assert.Equal(7.5m, pnl.FeesPaid);
        Assert.Equal(34.5m, pnl.UnrealizedPnl);
    }

    [Fact]
    public void Compute_BuyFeeInBase_LotReceivesAmountMinusFeeAtFullCost()
    {
        var pnl = Only(Run(null, (_, _) => 110m, Buy(1.01m, 100m, new Fee("BTC", 0.01m))));

        Assert.Equal(1m, pnl.Amount);
        Assert.Equal(101m, pnl.CostBasis);
        Assert.Equal(101m, pnl.AverageCost);
        Assert.Equal(1m, pnl.FeesPaid);
        Assert.Equal(9m, pnl.UnrealizedPnl);
    }

    [Fact]
    public void Compute_BuyFeeInQuote_LotCostIncludesFee()
    {
        var pnl = Only(Run(null, null, Buy(1m, 100m, new Fee("USDT", 1m))));

        Assert.Equal(1m, pnl.Amount);
        Assert.Equal(101m, pnl.CostBasis);
        Assert.Equal(1m, pnl.FeesPaid);
    }

    [Fact]
    public void Compute_SellFeeInQuote_ProceedsLessFee()
    {
        var pnl = Only(Run(null, null, Buy(1m, 100m, new Fee("USDT", 1m), minute: 0), Sell(1m, 120m, new Fee("USDT", 1.2m), minute: 1)));

        var sale = Assert.Single(pnl.Realized);
        Assert.Equal(118.8m, sale.Proceeds);
        Assert.Equal(1.2m, sale.Fee);
        Assert.Equal(17.8m, pnl.RealizedPnl);
        Assert.Equal(2.2m, pnl.FeesPaid);
        Assert.Equal(0m, pnl.Amount);
    }

    [Fact]
    public void Compute_SellFeeInBase_DisposesAmountPlusFee()
    {
        var pnl = Only(Run(null, null, Buy(2m, 100m, minute: 0), Sell(1m, 150m, new Fee("BTC", 0.01m), minute: 1)));

        var sale = Assert.Single(pnl.Realized);
        Assert.Equal((1.01m, 150m, 101m), (sale.Amount, sale.Proceeds, sale.CostBasis));
        Assert.Equal(49m, pnl.RealizedPnl);
        Assert.Equal(0.99m, pnl.Amount);
        Assert.Equal(99m, pnl.CostBasis);
        Assert.Equal(1.5m, pnl.FeesPaid);
    }

    [Fact]
    public void Compute_ThirdCurrencyFeeWithRate_ConvertedAndTreatedAsQuoteFee()
    {
        var asked = new List<(string, string)>();
        decimal? Rate(string from, string to)
        {
            asked.Add((from, to));
            return from == "BNB" && to == "USDT" ? 300m : null;
        }

        var report = Run(Rate, null, Buy(1m, 100m, new Fee("BNB", 0.01m), minute: 0), Sell(1m, 110m, new Fee("BNB", 0.01m), minute: 1));
        var pnl = Only(report);

        // Buy lot cost 100 + 3; sale proceeds 110 − 3.
        Assert.Equal(107m, Assert.Single(pnl.Realized).Proceeds);
        Assert.Equal(4m, pnl.RealizedPnl);
        Assert.Equal(6m, pnl.FeesPaid);
        Assert.Empty(report.UnconvertedFees);
        Assert.Equal([("BNB", "USDT"), ("BNB", "USDT")], asked);
    }

    [Fact]
    public void Compute_ThirdCurrencyFeeWithoutRate_ListedAsUnconvertedNotDropped()
    {
        var report = Run(null, null, Buy(1m, 100m, new Fee("BNB", 0.01m), minute: 0, id: "b1"), Sell(1m, 110m, new Fee("BNB", 0.02m), minute: 1, id: "s1"));
        var pnl = Only(report);

        Assert.Equal(10m, pnl.RealizedPnl);
        Assert.Equal(0m, pnl.FeesPaid);
        Assert.Equal(
            [new UnconvertedFee("binance", "b1", "BTC/USDT", "BNB", 0.01m), new UnconvertedFee("binance", "s1", "BTC/USDT", "BNB", 0.02m)],
            report.UnconvertedFees);
        Assert.Equal(report.UnconvertedFees, pnl.UnconvertedFees);
    }

    [Fact]
    public void Compute_NegativeQuoteFee_RebateLowersLotCost()
    {
        var pnl = Only(Run(null, null, Buy(1m, 100m, new Fee("USDT", -0.1m))));

        Assert.Equal(99.9m, pnl.CostBasis);
        Assert.Equal(-0.1m, pnl.FeesPaid);
    }

    [Fact]
    public void Compute_ReportedCost_UsedInsteadOfPriceTimesAmount()
    {
        var pnl = Only(Run(null, null, Buy(1m, 100m, cost: 99.5m)));

        Assert.Equal(99.5m, pnl.CostBasis);
    }

    [Fact]
    public void Compute_SellExceedsLots_RealizesCoveredPartAndRecordsUnmatched()
    {
        var pnl = Only(Run(null, null, Buy(1m, 100m, minute: 0), Sell(3m, 200m, minute: 1)));

        var sale = Assert.Single(pnl.Realized);

        // Proceeds 600 for 3, of which 1 is covered: 200 attributed against a basis of 100.
        Assert.Equal((1m, 200m, 100m, 2m), (sale.Amount, sale.Proceeds, sale.CostBasis, sale.UnmatchedAmount));
        Assert.Equal(100m, pnl.RealizedPnl);
        Assert.Equal(2m, pnl.UnmatchedSellAmount);
        Assert.True(pnl.HistoryIncomplete);
        Assert.Equal(0m, pnl.Amount);
        Assert.Empty(pnl.OpenLots);
    }

    [Fact]
    public void Compute_SellWithNoLots_NothingRealizedAllUnmatched_LaterBuyStartsFresh()
    {
        var pnl = Only(Run(null, null, Sell(1m, 200m, minute: 0), Buy(1m, 100m, minute: 1)));

        var sale = Assert.Single(pnl.Realized);
        Assert.Equal((0m, 0m, 0m, 1m), (sale.Amount, sale.Proceeds, sale.CostBasis, sale.UnmatchedAmount));
        Assert.Empty(sale.Matches);
        Assert.Equal(0m, pnl.RealizedPnl);
        Assert.Equal(1m, pnl.Amount);
        Assert.Equal(100m, pnl.CostBasis);
    }

    [Fact]
    public void Compute_HeldWithoutPrice_UnrealizedNullNotZero()
    {
        var pnl = Only(Run(null, null, Buy(1m, 100m)));

        Assert.Null(pnl.CurrentPrice);
        Assert.Null(pnl.MarketValue);
        Assert.Null(pnl.UnrealizedPnl);
        Assert.False(pnl.HistoryIncomplete);
    }

    [Fact]
    public void Compute_NothingHeld_UnrealizedZeroWithoutAskingForPrice()
    {
        var asked = 0;
        var pnl = Only(Run(null, (_, _) => { asked++; return null; }, Buy(1m, 100m, minute: 0), Sell(1m, 100m, minute: 1)));

        Assert.Equal(0m, pnl.UnrealizedPnl);
        Assert.Null(pnl.AverageCost);
        Assert.Equal(0, asked);
    }

    [Fact]
    public void Compute_PriceAskedWithAssetAndQuote()
    {
        var asked = new List<(string, string)>();
        Run(null, (a, q) => { asked.Add((a, q)); return 1m; }, Buy(1m, 100m, symbol: "ETH/EUR"));

        Assert.Equal([("ETH", "EUR")], asked);
    }

    [Fact]
    public void Compute_TradesOutOfOrder_AppliedByTime()
    {
        var pnl = Only(Run(null, null, Sell(1m, 300m, minute: 5), Buy(1m, 200m, minute: 2), Buy(1m, 100m, minute: 1)));

        Assert.Equal(200m, pnl.RealizedPnl);
        Assert.Equal(200m, pnl.CostBasis);
    }

    [Fact]
    public void Compute_SameTime_OrderedByExchangeThenNumericTradeId()
    {
        var pnl = Only(Run(
            null,
            null,
            Buy(1m, 300m, exchange: "kraken", id: "1"),
            Buy(1m, 200m, exchange: "binance", id: "10"),
            Buy(1m, 100m, exchange: "binance", id: "9"),
            Sell(1m, 500m, minute: 1)));

        // binance 9, binance 10, kraken 1: the sale takes the lot bought at 100.
        Assert.Equal(400m, pnl.RealizedPnl);
        Assert.Equal([200m, 300m], pnl.OpenLots.Select(l => l.UnitCost));
    }

    [Fact]
    public void Order_MixedIds_NumericFirstInNumericOrderThenOrdinal()
    {
        var a = Buy(1m, 1m, id: "b");
        var b = Buy(1m, 1m, id: "1a");
        var c = Buy(1m, 1m, id: "10");
        var d = Buy(1m, 1m, id: "9");
        var e = Buy(1m, 1m, id: "009");

        // "009" and "9" are equal as numbers and then ordered ordinally; "1a" is not numeric, so it follows "10".
        Assert.Equal([e, d, c, b, a], new[] { a, b, c, d, e }.Order(FifoLedger.Order));
    }

    [Fact]
    public void Compute_SamePairOnTwoExchanges_OnePositionOtherQuoteSeparate()
    {
        var report = Run(
            null,
            null,
            Buy(1m, 100m, minute: 0, exchange: "binance"),
            Sell(1m, 150m, minute: 1, exchange: "kraken"),
            Buy(1m, 90m, minute: 2, exchange: "kraken", symbol: "BTC/USD"));

        Assert.Equal(2, report.Assets.Count);
        var usdt = report.Assets.Single(a => a.Quote == "USDT");
        var usd = report.Assets.Single(a => a.Quote == "USD");
        Assert.Equal((50m, 0m), (usdt.RealizedPnl, usdt.Amount));
        Assert.Equal((0m, 1m, 90m), (usd.RealizedPnl, usd.Amount, usd.CostBasis));
        Assert.Equal(["USD", "USDT"], report.Assets.Select(a => a.Quote));
    }

    [Fact]
    public void Compute_InvalidAndDuplicateTrades_SkippedWithReason()
    {
        var report = Run(
            null,
            null,
            Buy(1m, 100m, id: "1"),
            Buy(1m, 100m, id: "1"),
            Buy(0m, 100m, id: "2"),
            Buy(1m, 100m, id: "3", symbol: "BTCUSDT"),
            Buy(1m, -1m, id: "4"),
            Buy(0.01m, 100m, new Fee("BTC", 0.01m), id: "5"));

        Assert.Equal(1m, Only(report).Amount);
        Assert.Equal(
            ["1: duplicate trade id", "2: amount is not positive", "3: symbol is not a spot BASE/QUOTE pair", "4: price or cost is negative",
                "5: fee in the base is not less than the amount bought"],
            report.Skipped.Select(s => $"{s.TradeId}: {s.Reason}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Compute_SameIdOnOtherSymbol_NotADuplicate()
    {
        var report = Run(null, null, Buy(1m, 100m, id: "1"), Buy(1m, 10m, id: "1", symbol: "ETH/USDT"));

        Assert.Equal(2, report.Assets.Count);
        Assert.Empty(report.Skipped);
    }

    [Fact]
    public void From_TradeWithoutSide_Null_WithSide_Mapped()
    {
        var trade = new Trade { Id = "7", Symbol = "BTC/USDT", Price = 100m, Amount = 2m, Timestamp = T0, Fee = new Fee("USDT", 0.2m) };

        Assert.Null(LedgerTrade.From("binance", trade));
        var mapped = LedgerTrade.From("binance", trade with { Side = OrderSide.Sell });
        Assert.NotNull(mapped);
        Assert.Equal(("binance", "7", OrderSide.Sell, 200m, "USDT"), (mapped.Exchange, mapped.TradeId, mapped.Side, mapped.EffectiveCost, mapped.Fee!.Currency));
    }

    [Fact]
    public void Total_ConvertsQuotesAndListsUnconvertedAndUnpriced()
    {
        var report = Run(
            null,
            (asset, _) => asset == "BTC" ? 200m : null,
            Buy(1m, 100m, minute: 0, symbol: "BTC/USDT"),
            Sell(0.5m, 150m, minute: 1, symbol: "BTC/USDT"),
            Buy(1m, 80m, new Fee("EUR", 1m), minute: 2, symbol: "BTC/EUR"),
            Buy(2m, 10m, minute: 3, symbol: "ETH/EUR"),
            Buy(5m, 1m, minute: 4, symbol: "XYZ/ABC"));
        decimal? Rate(string from, string to) => (from, to) switch
        {
            ("USDT", "USD") => 1.01m,
            ("EUR", "USD") => 1.1m,
            _ => null,
        };

        var total = FifoPnl.Total(report.Assets, "USD", Rate);

        // BTC/USDT: realized 25, basis 50, value 100, unrealized 50 (× 1.01).
        // BTC/EUR: basis 81, value 200, unrealized 119, fee 1 (× 1.1). ETH/EUR: basis 20, unpriced (× 1.1).
        Assert.Equal(25.25m, total.RealizedPnl);
        Assert.Equal(50.5m + 130.9m, total.UnrealizedPnl);
        Assert.Equal(101m + 220m, total.MarketValue);
        Assert.Equal(50.5m + 89.1m + 22m, total.CostBasis);
        Assert.Equal(1.1m, total.FeesPaid);
        Assert.Equal([new AssetKey("XYZ", "ABC")], total.Unconverted);
        Assert.Equal([new AssetKey("ETH", "EUR")], total.Unpriced);
        Assert.Equal("USD", total.Currency);
    }

    [Fact]
    public void Total_QuoteIsCurrency_RateNotAsked()
    {
        var report = Run(null, (_, _) => 150m, Buy(1m, 100m, symbol: "BTC/USD"));

        var total = FifoPnl.Total(report.Assets, "USD", (_, _) => throw new InvalidOperationException("not asked"));

        Assert.Equal(50m, total.UnrealizedPnl);
    }

    [Fact]
    public void Compute_WithConversionGraph_FeeAndPriceFromTickers()
    {
        var graph = new ConversionGraph(
        [
            ("binance", new Ticker { Symbol = "BNB/USDT", Last = 300m, Timestamp = T0 }),
            ("binance", new Ticker { Symbol = "BTC/USDT", Last = 120m, Timestamp = T0 }),
        ]);

        var pnl = Only(FifoPnl.Compute([Buy(1m, 100m, new Fee("BNB", 0.01m))], graph.Rate, (a, q) => graph.Price(a, q, "binance")?.Price));

        Assert.Equal(103m, pnl.CostBasis);
        Assert.Equal(17m, pnl.UnrealizedPnl);
    }
}
